package energy.dispatch.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cloud's side of one edge for the footprint benchmark, as a real MQTT 5 client under the
 * cloud's identity: notes when the edge first says it is online, keeps its latest state message
 * (snapshot or event, both carry the cycle figures), sends it setpoints and counts their results.
 * Thread-safe.
 */
final class EdgeObserver implements AutoCloseable {

  private final String edgeId;
  private final Mqtt5AsyncClient client;
  private final CompletableFuture<Long> onlineNanos = new CompletableFuture<>();
  private final AtomicReference<JsonNode> latestState = new AtomicReference<>();
  private final AtomicInteger executed = new AtomicInteger();
  private final AtomicInteger otherResults = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private volatile long cyclesWanted = Long.MAX_VALUE;
  private final CompletableFuture<JsonNode> cyclesReached = new CompletableFuture<>();

  EdgeObserver(String host, int port, String cloudSecret, String edgeId) throws Exception {
    this.edgeId = edgeId;
    this.client = Mqtt5Client.builder().identifier("cloud-bench-" + edgeId).serverHost(host).serverPort(port)
        .simpleAuth().username("cloud").password(cloudSecret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .buildAsync();
    client.publishes(MqttGlobalPublishFilter.ALL, this::received);
    client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
    for (String topic : new String[] {Topics.state(edgeId), Topics.acks(edgeId)}) {
      client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
    }
  }

  private void received(Mqtt5Publish publish) {
    JsonNode message = parse(publish.getPayloadAsBytes());
    if (publish.getTopic().toString().equals(Topics.acks(edgeId))) {
      countResult(message.path("status").asText());
      return;
    }
    if (message.path("online").asBoolean()) {
      onlineNanos.complete(System.nanoTime());
      latestState.set(message);
      if (message.path("cycles").asLong() >= cyclesWanted) {
        cyclesReached.complete(message);
      }
    }
  }

  private void countResult(String status) {
    if (status.equals("executed")) {
      executed.incrementAndGet();
    } else if (!status.equals("delivered")) {
      otherResults.incrementAndGet();
    }
  }

  private static JsonNode parse(byte[] payload) {
    try {
      return Json.mapper().readTree(payload);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable edge message: " + new String(payload, StandardCharsets.UTF_8), e);
    }
  }

  /** When the first online state arrived (System.nanoTime), waiting at most {@code seconds}. */
  long awaitOnlineNanos(int seconds) throws Exception {
    return onlineNanos.get(seconds, TimeUnit.SECONDS);
  }

  /**
   * The first state message that counts at least {@code cycles} cycles, waiting at most
   * {@code seconds}; one call per observer.
   */
  JsonNode awaitCycles(long cycles, long seconds) throws Exception {
    cyclesWanted = cycles;
    JsonNode latest = latestState.get();
    if (latest != null && latest.path("cycles").asLong() >= cycles) {
      return latest;
    }
    return cyclesReached.get(seconds, TimeUnit.SECONDS);
  }

  /** A battery setpoint held for a few seconds, so the hold's end is an event too. */
  void sendSetpoint(double watts) {
    ObjectNode command = Json.mapper().createObjectNode()
        .put("command_id", "bench-" + edgeId + "-" + sent.incrementAndGet()).put("command_type", "setpoint");
    command.putObject("target").put("edge_id", edgeId).put("device_id", "bms_main").put("channel", "SetActivePower");
    command.put("value", watts).put("unit", "W").put("hold_sec", 3)
        .put("accepted_at", Instant.now().toString()).put("expires_at", Instant.now().plusSeconds(60).toString());
    client.publishWith().topic(Topics.commands(edgeId)).qos(MqttQos.AT_LEAST_ONCE)
        .payload(command.toString().getBytes(StandardCharsets.UTF_8)).send();
  }

  int commandsSent() {
    return sent.get();
  }

  int commandsExecuted() {
    return executed.get();
  }

  /** Results other than {@code executed} (rejected, failed, ...): a benchmark run should have none. */
  int commandsNotExecuted() {
    return otherResults.get();
  }

  @Override
  public void close() {
    client.disconnect();
  }
}
