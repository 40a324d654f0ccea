package energy.dispatch.edge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The cloud's side of one edge's topics, as a real MQTT 5 client: sends commands and configs, records the rest. */
public final class CloudTestClient implements AutoCloseable {

  private final String edgeId;
  private final Mqtt5AsyncClient client;
  public final List<Ack> acks = new CopyOnWriteArrayList<>();
  public final List<JsonNode> states = new CopyOnWriteArrayList<>();
  public final List<JsonNode> configRequests = new CopyOnWriteArrayList<>();
  /** When each ack and state message arrived, by this JVM's clock. */
  private final Map<Object, Instant> arrivals = Collections.synchronizedMap(new IdentityHashMap<>());

  public CloudTestClient(int port, String cloudSecret, String edgeId) throws Exception {
    this(port, cloudSecret, edgeId, false);
  }

  /**
   * A client whose session the broker keeps (an hour) while it is away, as the cloud's is: what the
   * edge publishes between a broker restart and this client's return still reaches it.
   */
  public static CloudTestClient persistent(int port, String cloudSecret, String edgeId) throws Exception {
    return new CloudTestClient(port, cloudSecret, edgeId, true);
  }

  private CloudTestClient(int port, String cloudSecret, String edgeId, boolean persistent) throws Exception {
    this.edgeId = edgeId;
    this.client = Mqtt5Client.builder().identifier("cloud-test-" + edgeId).serverHost("127.0.0.1").serverPort(port)
        .simpleAuth().username("cloud").password(cloudSecret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .buildAsync();
    client.publishes(MqttGlobalPublishFilter.ALL, this::received);
    client.connectWith().cleanStart(!persistent).sessionExpiryInterval(persistent ? 3_600 : 0)
        .send().get(10, TimeUnit.SECONDS);
    for (String topic : List.of(Topics.acks(edgeId), Topics.state(edgeId), Topics.configRequest(edgeId))) {
      client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
    }
  }

  private void received(Mqtt5Publish publish) {
    String topic = publish.getTopic().toString();
    try {
      Instant arrived = Instant.now();
      JsonNode message = Json.mapper().readTree(publish.getPayloadAsBytes());
      if (topic.equals(Topics.acks(edgeId))) {
        Ack ack = Json.mapper().treeToValue(message, Ack.class);
        arrivals.put(ack, arrived);
        acks.add(ack);
      } else if (topic.equals(Topics.state(edgeId))) {
        arrivals.put(message, arrived);
        states.add(message);
      } else {
        configRequests.add(message);
      }
    } catch (IOException e) {
      throw new IllegalStateException("unreadable on " + topic + ": "
          + new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8), e);
    }
  }

  public void sendCommand(JsonNode command) throws Exception {
    client.publishWith().topic(Topics.commands(edgeId)).qos(MqttQos.AT_LEAST_ONCE)
        .payload(command.toString().getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
  }

  public void sendConfig(JsonNode message) throws Exception {
    client.publishWith().topic(Topics.config(edgeId)).qos(MqttQos.AT_LEAST_ONCE)
        .payload(message.toString().getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
  }

  public List<AckStatus> statusesFor(String commandId) {
    return acks.stream().filter(ack -> ack.commandId().equals(commandId)).map(Ack::status).toList();
  }

  public Optional<Ack> resultFor(String commandId) {
    return acks.stream().filter(ack -> ack.commandId().equals(commandId) && ack.status().isResult()).findFirst();
  }

  /** The latest retained-style state (without an event), if any arrived. */
  public Optional<JsonNode> lastState() {
    return states.stream().filter(state -> !state.has("event")).reduce((a, b) -> b);
  }

  /** When an ack or a state message of this client arrived. */
  public Instant arrivedAt(Object ackOrState) {
    return Optional.ofNullable(arrivals.get(ackOrState))
        .orElseThrow(() -> new IllegalArgumentException("not received by this client: " + ackOrState));
  }

  public List<JsonNode> events(String type) {
    return states.stream().filter(state -> state.path("event").path("type").asText().equals(type)).toList();
  }

  @Override
  public void close() {
    client.disconnect();
  }
}
