package energy.dispatch.cloud.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * An optimizer service over MQTT 5 request/response, as a third party would write it: it publishes
 * commands to its request topic with a response topic and correlation data, and keeps every answer
 * that arrives below its response prefix.
 */
public final class TestOptimizer implements AutoCloseable {

  /** One answer on a response topic: where it arrived, the correlation data echoed, the status. */
  public record Response(String topic, String correlation, JsonNode status) {}

  private final String service;
  private final Mqtt5AsyncClient client;
  private final List<Response> responses = new CopyOnWriteArrayList<>();

  private TestOptimizer(String service, String secret, TestBroker broker) {
    this.service = service;
    this.client = Mqtt5Client.builder().identifier("service-" + service).serverHost(broker.host())
        .serverPort(broker.port()).simpleAuth().username("service:" + service)
        .password(secret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildAsync();
  }

  /** Lets the service log in, connects it and subscribes to everything below its response prefix. */
  public static TestOptimizer connect(TestBroker broker, String service) {
    String secret = "secret-of-" + service + "-0123456789abcdef";
    broker.allowService(service, secret);
    TestOptimizer optimizer = new TestOptimizer(service, secret, broker);
    join(optimizer.client.connectWith().cleanStart(true).send());
    join(optimizer.client.subscribeWith().topicFilter(Topics.serviceResponsePrefix(service) + "#")
        .qos(MqttQos.AT_LEAST_ONCE).callback(optimizer::onResponse).send());
    return optimizer;
  }

  public String principal() {
    return "service:" + service;
  }

  /** Publishes a request with the response topic {@code <prefix>run} and the given correlation data. */
  public void request(String commandJson, String correlation) {
    request(commandJson.getBytes(StandardCharsets.UTF_8), correlation);
  }

  public void request(byte[] payload, String correlation) {
    join(client.publishWith().topic(Topics.serviceRequests(service)).qos(MqttQos.AT_LEAST_ONCE)
        .responseTopic(Topics.serviceResponsePrefix(service) + "run")
        .correlationData(correlation.getBytes(StandardCharsets.UTF_8)).payload(payload).send());
  }

  private void onResponse(Mqtt5Publish publish) {
    String correlation = publish.getCorrelationData()
        .map(data -> StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes(data))).toString()).orElse(null);
    try {
      responses.add(new Response(publish.getTopic().toString(), correlation,
          Json.mapper().readTree(publish.getPayloadAsBytes())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  /** The first answer about {@code commandId} with {@code status}, waiting up to 10 s. */
  public Response awaitStatus(String commandId, String status) {
    return await(r -> r.status().path("command_id").asText().equals(commandId)
        && r.status().path("status").asText().equals(status));
  }

  /** The first answer carrying {@code correlation}, for a request whose command id was never read. */
  public Response awaitCorrelated(String correlation) {
    return await(r -> correlation.equals(r.correlation()));
  }

  private Response await(Predicate<Response> matching) {
    return Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> responses.stream().filter(matching).findFirst().orElse(null), r -> r != null);
  }

  /** Statuses answered for a command, in arrival order. */
  public List<String> statusesOf(String commandId) {
    return responses.stream().filter(r -> r.status().path("command_id").asText().equals(commandId))
        .map(r -> r.status().path("status").asText()).toList();
  }

  @Override
  public void close() {
    if (client.getState().isConnected()) {
      join(client.disconnect());
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("MQTT operation of the test optimizer failed", e);
    }
  }
}
