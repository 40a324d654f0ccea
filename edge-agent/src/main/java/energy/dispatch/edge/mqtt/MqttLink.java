package energy.dispatch.edge.mqtt;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.edge.command.MonotonicClock;
import energy.dispatch.schema.Topics;
import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.TlsProtocols;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's MQTT 5 connection: a persistent session (clean start off, 7-day expiry) under the
 * edge id, with the message handler registered once, before the first connect, so that a resumed
 * session's backlog is never dropped. Subscribes when the broker reports no session; reconnects
 * after every kind of disconnect with exponential back-off and jitter, and backs off far longer
 * when another process took the session over. Messages are acknowledged manually, after the
 * handler made its decision durable. Thread-safe.
 */
public final class MqttLink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);
  static final long SESSION_EXPIRY_SECONDS = Duration.ofDays(7).toSeconds();
  /** Command messages the broker may have in flight to this edge at once; a backlog drains in windows of this. */
  static final int RECEIVE_MAXIMUM = 32;
  private static final Duration FIRST_CONNECT_WAIT = Duration.ofMillis(250);

  private final String edgeId;
  private final int keepAliveSeconds;
  private final Mqtt5AsyncClient client;
  private final InboundHandler handler;
  private final byte[] offlineState;
  private final Runnable onConnected;
  private final Consumer<Duration> onTakenOver;
  private final MonotonicClock monotonic;
  private final AtomicInteger takeovers = new AtomicInteger();
  private final AtomicInteger serverReceiveMaximum = new AtomicInteger(RECEIVE_MAXIMUM);
  private final AtomicReference<Boolean> closing = new AtomicReference<>(false);
  private final AtomicBoolean connectedBefore = new AtomicBoolean();
  private final Executor inboundExecutor;

  /**
   * @param offlineState the retained state the broker publishes as this edge's last will
   * @param onConnected runs (on the caller's executor choice) after every successful connect and subscribe
   * @param onTakenOver runs when another client took this edge's session over, with the back-off
   *     before this link tries again; on the MQTT client's thread
   */
  public MqttLink(String edgeId, String secret, String host, int port, int keepAliveSeconds,
      Optional<ClientTrust> trust, byte[] offlineState, InboundHandler handler, Executor inboundExecutor,
      Runnable onConnected, Consumer<Duration> onTakenOver, MonotonicClock monotonic) {
    this.edgeId = edgeId;
    this.keepAliveSeconds = keepAliveSeconds;
    this.handler = handler;
    this.offlineState = offlineState.clone();
    this.onConnected = onConnected;
    this.onTakenOver = onTakenOver;
    this.monotonic = monotonic;
    this.client = Mqtt5Client.builder()
        .identifier(edgeId)
        .serverHost(host)
        .serverPort(port)
        .sslConfig(trust.map(MqttLink::tls).orElse(null))
        .simpleAuth().username(edgeId).password(secret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .willPublish().topic(Topics.state(edgeId)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
            .payload(offlineState).contentType("application/json").applyWillPublish()
        .addConnectedListener(this::connected)
        .addDisconnectedListener(this::disconnected)
        .buildAsync();
    this.inboundExecutor = inboundExecutor;
    // Registered before any connect: a resumed session delivers at once, and ALL (not SUBSCRIBED)
    // also takes messages of subscriptions made by an earlier process, which this client never saw.
    registerHandler();
  }

  /** TLS 1.2+, the broker's name checked against its certificate (the client's default, kept on). */
  private static MqttClientSslConfig tls(ClientTrust trust) {
    return MqttClientSslConfig.builder()
        .trustManagerFactory(trust.trustManagerFactory())
        .protocols(TlsProtocols.ALLOWED)
        .build();
  }

  private void registerHandler() {
    client.publishes(MqttGlobalPublishFilter.ALL, this::received, inboundExecutor, true);
  }

  /** Loads the client's classes ahead of time, so that a parallel start-up finds them ready. */
  public static void warmUp() {
    Mqtt5Client.builder().identifier("warm-up").buildAsync();
  }

  /** Starts connecting; waits briefly for the first attempt and never fails: reconnects run in the background. */
  public void connect() {
    CompletableFuture<Mqtt5ConnAck> first = client.connectWith()
        .cleanStart(false)
        .sessionExpiryInterval(SESSION_EXPIRY_SECONDS)
        .keepAlive(keepAliveSeconds)
        .restrictions().receiveMaximum(RECEIVE_MAXIMUM).applyRestrictions()
        .send();
    try {
      first.get(FIRST_CONNECT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.info("First connect not completed within {} ms edgeId={}; it goes on in the background",
          FIRST_CONNECT_WAIT.toMillis(), edgeId);
    } catch (ExecutionException e) {
      LOG.warn("First connect failed edgeId={} ({}); retrying in the background", edgeId,
          e.getCause() == null ? e : e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean connected() {
    return client.getState().isConnected();
  }

  /** The broker's receive maximum: how many of our QoS 1 publishes it takes unacknowledged. */
  public int serverReceiveMaximum() {
    return serverReceiveMaximum.get();
  }

  /** Publishes with QoS 1; the future completes on PUBACK. Queued by the client while reconnecting. */
  public CompletableFuture<?> publish(String topic, byte[] payload, boolean retain) {
    return client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain)
        .contentType("application/json").payload(payload).send();
  }

  private void received(Mqtt5Publish publish) {
    long receivedNanos = monotonic.nanos();
    String topic = publish.getTopic().toString();
    try {
      if (topic.equals(Topics.commands(edgeId))) {
        handler.command(publish.getPayloadAsBytes(), publish.getMessageExpiryInterval(), receivedNanos);
      } else if (topic.equals(Topics.config(edgeId))) {
        handler.config(publish.getPayloadAsBytes());
      } else {
        LOG.warn("Message on an unexpected topic dropped edgeId={} topic={}", edgeId, topic);
      }
      publish.acknowledge();
    } catch (RuntimeException e) {
      // Left unacknowledged: the broker redelivers it on the next connection, and the journal dedupes.
      LOG.error("Inbound message not acknowledged edgeId={} topic={}; redelivered after reconnect", edgeId, topic, e);
    }
  }

  private void connected(MqttClientConnectedContext context) {
    Mqtt5ConnAck connAck = ((Mqtt5ClientConnectedContext) context).getConnAck();
    serverReceiveMaximum.set(connAck.getRestrictions().getReceiveMaximum());
    takeovers.set(0);
    if (connAck.isSessionPresent()) {
      connectedBefore.set(true);
      LOG.info("Connected edgeId={} session=resumed", edgeId);
      onConnected.run();
      return;
    }
    if (connectedBefore.getAndSet(true)) {
      // The client ends every publish flow, ours included, when the broker lost the session: the
      // handler must be registered again, before the subscription lets new messages in.
      registerHandler();
      LOG.warn("Broker lost the session edgeId={}; handler registered again, subscribing", edgeId);
    } else {
      LOG.info("Connected edgeId={} session=new; subscribing", edgeId);
    }
    client.subscribeWith()
        .addSubscription().topicFilter(Topics.commands(edgeId)).qos(MqttQos.AT_LEAST_ONCE).applySubscription()
        .addSubscription().topicFilter(Topics.config(edgeId)).qos(MqttQos.AT_LEAST_ONCE).applySubscription()
        .send()
        .whenComplete((subAck, error) -> {
          if (error != null) {
            LOG.error("Subscribe failed edgeId={}; commands cannot arrive until the next connect", edgeId, error);
          } else {
            onConnected.run();
          }
        });
  }

  private void disconnected(MqttClientDisconnectedContext context) {
    if (context.getSource() == MqttDisconnectSource.USER || closing.get()) {
      return;
    }
    var reconnector = context.getReconnector();
    // This link subscribes itself when the session is gone; the client must not do it a second time.
    reconnector.reconnect(true).resubscribeIfSessionExpired(false);
    Duration delay;
    if (takenOver(context.getCause())) {
      delay = Backoff.TAKEOVER.delay(takeovers.getAndIncrement(), ThreadLocalRandom.current().nextDouble());
      LOG.warn("Session taken over edgeId={}: another client connected with this edge id; backing off {} s"
          + " instead of taking it back", edgeId, delay.toSeconds());
      onTakenOver.accept(delay);
    } else {
      delay = Backoff.RECONNECT.delay(reconnector.getAttempts(), ThreadLocalRandom.current().nextDouble());
      LOG.warn("Disconnected edgeId={} source={} cause={}; reconnecting in {} ms", edgeId, context.getSource(),
          context.getCause().getMessage(), delay.toMillis());
    }
    reconnector.delay(delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static boolean takenOver(Throwable cause) {
    return cause instanceof Mqtt5DisconnectException disconnect
        && disconnect.getMqttMessage().getReasonCode() == Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER;
  }

  /**
   * Publishes the offline state itself, then disconnects normally (the broker discards the last
   * will, which stays for a crash); the session stays for the next start.
   */
  @Override
  public void close() {
    closing.set(true);
    try {
      if (connected()) {
        publish(Topics.state(edgeId), offlineState, true).get(2, TimeUnit.SECONDS);
      }
      client.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.NORMAL_DISCONNECTION).send()
          .get(2, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("Disconnect edgeId={} did not complete: {}", edgeId, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
