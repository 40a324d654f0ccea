package energy.dispatch.cloud.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.command.EdgeAbsentException;
import energy.dispatch.cloud.internal.RecordUnavailable;
import energy.dispatch.cloud.internal.StartupException;
import energy.dispatch.cloud.internal.StripedExecutor;
import energy.dispatch.schema.Topics;
import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.TlsProtocols;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's MQTT 5 connection to the broker, as the internal principal {@code cloud}: a persistent
 * session, handlers registered before connecting, acks and config requests consumed through the
 * cloud's shared subscription (once across all nodes), edge state read by every node (retained,
 * with last wills). Inbound messages are acknowledged only after their handler's work completes.
 * Reconnects with exponential backoff after any loss, once it has connected at start. Thread-safe.
 */
public final class CloudMqtt implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CloudMqtt.class);
  /**
   * Long enough to ride out a restart (the node id is stable per installation, so the restarted
   * node resumes its session and the acks kept for it), short enough that a node gone for good
   * stops being a member of the shared ack subscription within minutes.
   */
  private static final long SESSION_EXPIRY_SECONDS = 300;
  private static final long NOT_CONNECTED = Long.MIN_VALUE;
  /** The user property the broker extension stamps with the authenticated principal (MqttPrincipal.USER_PROPERTY). */
  private static final String PRINCIPAL_PROPERTY = "dispatch-principal";
  private static final String STATE_FILTER = Topics.EDGES + "+/state";
  private static final String SERVICE_REQUESTS_FILTER =
      "$share/" + Topics.CLOUD_SHARE_GROUP + "/" + Topics.SERVICES + "+/requests";
  /**
   * How often the node subscribes again to its shared filters while connected. HiveMQ CE hands a
   * shared queue to a subscriber only when the queue turns from empty to non-empty, when the
   * subscriber has acknowledged everything it was sent, and on SUBSCRIBE. A broker killed while it
   * had messages of a shared queue in flight to a node keeps them marked in flight in its persisted
   * queue for good, so after its restart the queue never turns non-empty again and a new ack would
   * wait until something else reaches the node (an edge's state report, every 30 s). Subscribing
   * again to the same filter replaces the subscription, sends no retained message (a shared
   * subscription has none) and makes the broker hand the queue over at once.
   */
  static final Duration SHARED_QUEUE_POLL = Duration.ofSeconds(1);
  /** The longest wait between two attempts to record a message the record could not take. */
  private static final Duration RECORD_RETRY_MAX = Duration.ofSeconds(5);
  private static final List<String> SHARED_FILTERS = List.of(Topics.sharedEdgeFilter("acks"),
      Topics.sharedEdgeFilter("config/request"), SERVICE_REQUESTS_FILTER);

  private final CloudSettings settings;
  private final Mqtt5AsyncClient client;
  private final StripedExecutor inbound = new StripedExecutor(4, "dispatch-mqtt-in");
  private final ScheduledExecutorService sharedQueuePoll = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "dispatch-mqtt-shared-poll");
    thread.setDaemon(true);
    return thread;
  });
  private final ScheduledExecutorService recordRetries = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "dispatch-mqtt-record-retry");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicBoolean everConnected = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicInteger failedAttempts = new AtomicInteger();
  /** System.nanoTime() of the current connection's start, or NOT_CONNECTED. */
  private final AtomicLong connectedSinceNanos = new AtomicLong(NOT_CONNECTED);
  private volatile InboundHandler handler;
  /** Optimizer requests wait here until the node can take them (a resumed session delivers at once). */
  private final CompletableFuture<Function<OptimizerIngress.Request, CompletionStage<?>>> serviceHandler =
      new CompletableFuture<>();

  private CloudMqtt(CloudSettings settings) {
    this.settings = settings;
    this.client = Mqtt5Client.builder()
        .identifier(settings.mqttClientId())
        .serverHost(settings.mqttHost())
        .serverPort(settings.mqttPort())
        .sslConfig(settings.mqttTrust().map(CloudMqtt::tls).orElse(null))
        .simpleAuth().username(CloudSettings.MQTT_USERNAME)
            .password(settings.mqttSecret() == null ? new byte[0] : settings.mqttSecret().getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth()
        .addDisconnectedListener(this::onDisconnected)
        .addConnectedListener(context -> onConnected())
        .buildAsync();
  }

  /**
   * A client not yet connected; {@link #connect(InboundHandler)} connects it.
   *
   * @throws StartupException when the trusted certificates of the settings cannot be read
   */
  public static CloudMqtt create(CloudSettings settings) {
    try {
      return new CloudMqtt(settings);
    } catch (IllegalArgumentException e) {
      throw new StartupException("the broker's trusted certificates (" + CloudSettings.MQTT_TRUST_PREFIX
          + "_CA_FILE or _TRUSTSTORE) cannot be used: " + e.getMessage(), e);
    }
  }

  /** TLS 1.2+, the server's name checked against its certificate (the client's default, kept on). */
  private static MqttClientSslConfig tls(ClientTrust trust) {
    return MqttClientSslConfig.builder()
        .trustManagerFactory(trust.trustManagerFactory())
        .protocols(TlsProtocols.ALLOWED)
        .build();
  }

  /**
   * Connects and subscribes; {@code handler} receives edge traffic from then on (retained state
   * messages arrive at once).
   *
   * @throws StartupException when the broker cannot be reached or refuses the cloud's credentials
   */
  public void connect(InboundHandler inboundHandler) {
    handler = inboundHandler;
    // ALL, not SUBSCRIBED: a resumed session delivers what the broker kept for this node before the
    // client has subscribed again, and those messages (acks among them) must not be dropped.
    client.publishes(MqttGlobalPublishFilter.ALL, this::dispatch, true);
    String where = settings.mqttHost() + ":" + settings.mqttPort();
    try {
      client.connectWith().cleanStart(false).sessionExpiryInterval(SESSION_EXPIRY_SECONDS).keepAlive(30)
          .send().get(10, TimeUnit.SECONDS);
      subscribe().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new StartupException("cannot connect to the MQTT broker at " + where + " as 'cloud' (DISPATCH_MQTT_HOST, "
          + "DISPATCH_MQTT_PORT, DISPATCH_CLOUD_MQTT_SECRET): " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new StartupException("interrupted while connecting to the MQTT broker at " + where, e);
    }
    everConnected.set(true);
    LOG.info("Connected to the broker host={} port={} tls={} clientId={}", settings.mqttHost(), settings.mqttPort(),
        settings.mqttTrust().isPresent(), settings.mqttClientId());
    long pollMillis = SHARED_QUEUE_POLL.toMillis();
    sharedQueuePoll.scheduleWithFixedDelay(this::pollSharedQueues, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<?> subscribe() {
    List<String> filters = new ArrayList<>(SHARED_FILTERS);
    filters.add(STATE_FILTER);
    return subscribeAtLeastOnce(filters)
        .thenAccept(subAck -> subAck.getReasonCodes().stream().filter(code -> code.isError()).findFirst()
            .ifPresent(code -> {
              throw new IllegalStateException("the broker refused a subscription of the cloud: " + code);
            }));
  }

  private CompletableFuture<Mqtt5SubAck> subscribeAtLeastOnce(List<String> filters) {
    return client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(filters.stream().map(filter ->
        Mqtt5Subscription.builder().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).build())).build());
  }

  /** Subscribes again to the shared filters only: the broker hands over what their queues hold (SHARED_QUEUE_POLL). */
  private void pollSharedQueues() {
    if (closing.get() || !isConnected()) {
      return;
    }
    subscribeAtLeastOnce(SHARED_FILTERS)
        .whenComplete((subAck, error) -> {
          if (error != null) {
            LOG.debug("Polling the shared queues did not complete: {}", rootMessage(error));
          } else {
            subAck.getReasonCodes().stream().filter(code -> code.isError()).findFirst().ifPresent(code ->
                LOG.warn("The broker refused a shared subscription of the cloud when subscribing again: {}", code));
          }
        });
  }

  /**
   * Publishes a command to its edge: QoS 1, never retained, expiring from the broker with its
   * deadline. Completes when the broker acknowledged it (PUBACK), exceptionally when it did not.
   */
  public CompletableFuture<Void> publishCommand(String edgeId, byte[] commandJson, long expirySeconds) {
    return publish(Topics.commands(edgeId), commandJson, Math.max(1, expirySeconds)).thenApply(result -> {
      if (result instanceof Mqtt5PublishResult.Mqtt5Qos1Result qos1
          && qos1.getPubAck().getReasonCode() == Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS) {
        throw new EdgeAbsentException(edgeId);
      }
      return null;
    });
  }

  /**
   * Reads every edge's retained state again, to rebuild presence after Redis lost it: subscribing
   * anew to the same filter makes the broker send the retained messages again.
   */
  public CompletableFuture<Void> refreshPresence() {
    return client.subscribeWith().topicFilter(STATE_FILTER).qos(MqttQos.AT_LEAST_ONCE).send().thenApply(ignored -> null);
  }



  /** From now on, optimizer requests (also those that waited since connect) go to {@code ingress}. */
  public void takeServiceRequests(OptimizerIngress ingress) {
    serviceHandler.complete(ingress::onRequest);
  }

  /** Publishes an answer on an optimizer's response topic with its correlation data (QoS 1). */
  public CompletableFuture<Void> publishResponse(String topic, byte[] correlation, byte[] json) {
    var publish = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(false)
        .messageExpiryInterval(3600).contentType("application/json").payload(json);
    if (correlation != null) {
      publish.correlationData(correlation);
    }
    return publish.send().thenApply(CloudMqtt::requireAcknowledged).thenApply(result -> null);
  }

  /** Publishes a config response on the edge's config topic (QoS 1). */
  public CompletableFuture<Void> publishConfig(String edgeId, byte[] responseJson) {
    return publish(Topics.config(edgeId), responseJson, 3600).thenApply(result -> null);
  }

  private CompletableFuture<Mqtt5PublishResult> publish(String topic, byte[] payload, long expirySeconds) {
    return client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(false)
        .messageExpiryInterval(expirySeconds).contentType("application/json").payload(payload).send()
        .thenApply(CloudMqtt::requireAcknowledged);
  }

  private static Mqtt5PublishResult requireAcknowledged(Mqtt5PublishResult result) {
    Optional<Throwable> error = result.getError();
    if (error.isPresent()) {
      throw new IllegalStateException("the broker did not accept the publish: " + error.get().getMessage(), error.get());
    }
    return result;
  }

  public boolean isConnected() {
    return client.getState() == MqttClientState.CONNECTED;
  }

  /**
   * How long this node's current broker connection has lasted: for that long it could hear every
   * ack an edge sent. Zero while disconnected.
   */
  public Duration connectedFor() {
    long since = connectedSinceNanos.get();
    return since == NOT_CONNECTED ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
  }

  private void dispatch(Mqtt5Publish publish) {
    String topic = publish.getTopic().toString();
    Optional<String> service = Topics.serviceOf(topic);
    if (service.isPresent() && topic.equals(Topics.serviceRequests(service.get()))) {
      OptimizerIngress.Request request = serviceRequest(service.get(), publish);
      String lane = "service:" + service.get();
      serviceHandler.thenAccept(ingress ->
          inbound.execute(lane, () -> handle(publish, lane, h -> ingress.apply(request))));
      return;
    }
    Optional<String> edgeId = Topics.edgeOf(topic);
    if (edgeId.isEmpty()) {
      publish.acknowledge();
      return;
    }
    Function<InboundHandler, CompletionStage<?>> work = work(topic, edgeId.get(), publish.getPayloadAsBytes());
    inbound.execute(edgeId.get(), () -> handle(publish, edgeId.get(), work));
  }

  private static OptimizerIngress.Request serviceRequest(String service, Mqtt5Publish publish) {
    // Exactly one stamp, or none counts: the extension strips what clients supply and adds its own.
    java.util.List<String> stamps = publish.getUserProperties().asList().stream()
        .filter(property -> property.getName().toString().equals(PRINCIPAL_PROPERTY))
        .map(property -> property.getValue().toString())
        .toList();
    String stamped = stamps.size() == 1 ? stamps.get(0) : null;
    String responseTopic = publish.getResponseTopic().map(Object::toString).orElse(null);
    byte[] correlation = publish.getCorrelationData().map(CloudMqtt::bytes).orElse(null);
    return new OptimizerIngress.Request(service, stamped, responseTopic, correlation, publish.getPayloadAsBytes());
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  private static Function<InboundHandler, CompletionStage<?>> work(String topic, String edgeId, byte[] payload) {
    if (topic.equals(Topics.acks(edgeId))) {
      return h -> h.onAck(edgeId, payload);
    }
    if (topic.equals(Topics.state(edgeId))) {
      return h -> h.onState(edgeId, payload);
    }
    if (topic.equals(Topics.configRequest(edgeId))) {
      return h -> h.onConfigRequest(edgeId, payload);
    }
    return h -> CompletableFuture.completedFuture(null);
  }

  private void handle(Mqtt5Publish publish, String lane, Function<InboundHandler, CompletionStage<?>> work) {
    attempt(publish, lane, work, 0);
  }

  /**
   * Runs the work and acknowledges the message once it is done. A message the record could not take
   * ({@link RecordUnavailable}) stays unacknowledged and its work runs again after a back-off, for as
   * long as the node runs: acknowledged, it would be gone, as the broker hands a QoS 1 message again
   * only on a new connection, and an edge's result would end as a timeout. The client acknowledges in
   * order of arrival, so later messages stay unacknowledged meanwhile; a node stopped meanwhile leaves
   * them all to its session. Work that failed otherwise would fail again: it is logged and acknowledged.
   */
  private void attempt(Mqtt5Publish publish, String lane, Function<InboundHandler, CompletionStage<?>> work,
      int failures) {
    run(work).whenComplete((ignored, error) -> {
      if (error == null) {
        publish.acknowledge();
      } else if (!RecordUnavailable.causedBy(error)) {
        LOG.error("Handling an MQTT message failed from={} topic={}; it is dropped", lane, publish.getTopic(),
            error);
        publish.acknowledge();
      } else if (closing.get()) {
        LOG.warn("An MQTT message left unacknowledged at close from={} topic={}; the broker hands it to the "
            + "session again", lane, publish.getTopic());
      } else {
        long delayMillis = Math.min(RECORD_RETRY_MAX.toMillis(), 250L << Math.min(failures, 5));
        LOG.warn("PostgreSQL could not take an MQTT message from={} topic={} attempt={}; it stays unacknowledged "
            + "and is tried again in {} ms ({})", lane, publish.getTopic(), failures + 1, delayMillis,
            rootMessage(error));
        recordRetries.schedule(() -> inbound.execute(lane, () -> attempt(publish, lane, work, failures + 1)),
            delayMillis, TimeUnit.MILLISECONDS);
      }
    });
  }

  private CompletionStage<?> run(Function<InboundHandler, CompletionStage<?>> work) {
    try {
      return work.apply(handler);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void onConnected() {
    connectedSinceNanos.set(System.nanoTime());
    failedAttempts.set(0);
    if (everConnected.get()) {
      LOG.info("Reconnected to the broker");
      InboundHandler current = handler;
      if (current != null) {
        current.onReconnected();
      }
    }
  }

  private void onDisconnected(MqttClientDisconnectedContext context) {
    connectedSinceNanos.set(NOT_CONNECTED);
    if (closing.get() || !everConnected.get()) {
      return;
    }
    int attempt = failedAttempts.getAndIncrement();
    long delayMillis = Math.min(10_000, 250L << Math.min(attempt, 6));
    LOG.warn("Lost the broker connection ({}); reconnecting in {} ms", rootMessage(context.getCause()), delayMillis);
    context.getReconnector().reconnect(true).delay(delayMillis, TimeUnit.MILLISECONDS);
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  @Override
  public void close() {
    closing.set(true);
    sharedQueuePoll.shutdownNow();
    recordRetries.shutdownNow();
    try {
      if (client.getState().isConnectedOrReconnect()) {
        client.disconnect().get(5, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Broker disconnect did not complete cleanly; the session expires by itself", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inbound.close();
    }
  }
}
