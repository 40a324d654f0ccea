package energy.dispatch.cloud.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The far end of the cloud's MQTT side in tests: a real MQTT 5 client that logs in as an edge,
 * subscribes to its command topic, reports presence on its state topic (last will offline) and
 * answers commands as its {@link Answer} says. It stands in for the edge agent, which lies outside
 * cloud-api's tests.
 */
public final class TestEdge implements AutoCloseable {

  /** How the edge answers each command it receives. */
  public enum Answer {
    /** delivered, then executed. */
    EXECUTE,
    /** delivered only. */
    DELIVER_ONLY,
    /** nothing at all. */
    SILENT
  }

  private final String edgeId;
  private final Mqtt5AsyncClient client;
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final List<JsonNode> all = new CopyOnWriteArrayList<>();
  private volatile Answer answer;

  private TestEdge(String edgeId, String secret, String host, int port, Answer answer) {
    this.edgeId = edgeId;
    this.answer = answer;
    this.client = Mqtt5Client.builder().identifier(edgeId).serverHost(host).serverPort(port)
        .simpleAuth().username(edgeId).password(secret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .willPublish().topic(Topics.state(edgeId)).payload(state(false)).retain(true).qos(MqttQos.AT_LEAST_ONCE)
            .applyWillPublish()
        .buildAsync();
  }

  /** Connects (persistent session), subscribes to its commands, then reports itself online. */
  public static TestEdge connect(String edgeId, String secret, String host, int port, Answer answer) {
    TestEdge edge = new TestEdge(edgeId, secret, host, port, answer);
    edge.start();
    return edge;
  }

  private void start() {
    client.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED, this::onCommand);
    join(client.connectWith().cleanStart(false).sessionExpiryInterval(3600).send());
    join(client.subscribeWith().topicFilter(Topics.commands(edgeId)).qos(MqttQos.AT_LEAST_ONCE).send());
    reportOnline(true);
  }

  public void reportOnline(boolean online) {
    join(client.publishWith().topic(Topics.state(edgeId)).payload(state(online)).retain(true)
        .qos(MqttQos.AT_LEAST_ONCE).send());
  }

  /**
   * Publishes an event as the edge agent does: on the state topic, not retained, the state at the
   * time with the event inside; completes on the broker's PUBACK.
   */
  public java.util.concurrent.CompletableFuture<?> reportEvent(ObjectNode event) {
    ObjectNode message = Json.mapper().createObjectNode().put("edge_id", edgeId).put("online", true)
        .put("at", Instant.now().toString());
    message.set("event", event);
    return client.publishWith().topic(Topics.state(edgeId)).payload(message.toString().getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
  }

  private byte[] state(boolean online) {
    return Json.mapper().createObjectNode().put("edge_id", edgeId).put("online", online)
        .toString().getBytes(StandardCharsets.UTF_8);
  }

  private void onCommand(Mqtt5Publish publish) {
    if (!publish.getTopic().toString().equals(Topics.commands(edgeId))) {
      return;
    }
    JsonNode command;
    try {
      command = Json.mapper().readTree(publish.getPayloadAsBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode withMeta = command.deepCopy();
    withMeta.put("_retain", publish.isRetain());
    withMeta.put("_message_expiry", publish.getMessageExpiryInterval().orElse(-1));
    all.add(withMeta);
    received.add(withMeta);
    String commandId = command.get("command_id").asText();
    if (answer != Answer.SILENT) {
      ack(commandId, "delivered");
    }
    if (answer == Answer.EXECUTE) {
      ack(commandId, "executed");
    }
  }

  /** Asks the cloud for its capability config and waits for the answer on the config topic. */
  public JsonNode requestConfig(String requestId) throws InterruptedException {
    BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    join(client.subscribeWith().topicFilter(Topics.config(edgeId)).qos(MqttQos.AT_LEAST_ONCE)
        .callback(publish -> answers.add(readJson(publish.getPayloadAsBytes()))).send());
    join(client.publishWith().topic(Topics.configRequest(edgeId)).qos(MqttQos.AT_LEAST_ONCE)
        .payload(("{\"request_id\": \"" + requestId + "\"}").getBytes(StandardCharsets.UTF_8)).send());
    return answers.poll(10, TimeUnit.SECONDS);
  }

  private static JsonNode readJson(byte[] payload) {
    try {
      return Json.mapper().readTree(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Publishes an ack on this edge's own ack topic; completes on the broker's PUBACK. */
  public java.util.concurrent.CompletableFuture<?> ack(String commandId, String status) {
    ObjectNode ack = Json.mapper().createObjectNode().put("command_id", commandId).put("status", status);
    ack.put("executed_at", status.equals("delivered") ? null : Instant.now().toString());
    ack.putNull("error");
    return client.publishWith().topic(Topics.acks(edgeId)).payload(ack.toString().getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
  }

  public void answer(Answer newAnswer) {
    answer = newAnswer;
  }

  /** The next command received, waiting up to {@code timeout}; null when none came. */
  public JsonNode nextCommand(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every command received so far, in order (redeliveries included). */
  public List<JsonNode> commands() {
    return new ArrayList<>(all);
  }

  public String edgeId() {
    return edgeId;
  }

  /** Leaves as a clean shutdown would: reports offline, then disconnects (the session stays). */
  public void goOffline() {
    reportOnline(false);
    join(client.disconnect());
  }

  @Override
  public void close() {
    if (client.getState().isConnected()) {
      goOffline();
    }
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("MQTT operation of the test edge failed", e);
    }
  }
}
