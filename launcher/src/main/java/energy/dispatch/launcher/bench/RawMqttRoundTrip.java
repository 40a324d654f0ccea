package energy.dispatch.launcher.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The baseline: one message QoS 1 from the cloud's identity to an edge's command topic, and a QoS 1
 * reply on the edge's ack topic, through the same broker the system uses. No application logic.
 */
final class RawMqttRoundTrip {

  private final String host;
  private final int port;
  private final String cloudSecret;
  private final String edgeId;
  private final String edgeSecret;

  RawMqttRoundTrip(String host, int port, String cloudSecret, String edgeId, String edgeSecret) {
    this.host = host;
    this.port = port;
    this.cloudSecret = cloudSecret;
    this.edgeId = edgeId;
    this.edgeSecret = edgeSecret;
  }

  long[] measure(int warmup, int samples) throws InterruptedException {
    Mqtt5BlockingClient cloud = connect("cloud-bench", "cloud", cloudSecret);
    Mqtt5Client echo = connect(edgeId, edgeId, edgeSecret).toAsync();
    try (Mqtt5BlockingClient.Mqtt5Publishes replies = cloud.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.SUBSCRIBED)) {
      cloud.subscribeWith().topicFilter(Topics.acks(edgeId)).qos(MqttQos.AT_LEAST_ONCE).send();
      echo.toAsync().subscribeWith().topicFilter(Topics.commands(edgeId)).qos(MqttQos.AT_LEAST_ONCE)
          .callback(message -> echo.toAsync().publishWith().topic(Topics.acks(edgeId))
              .qos(MqttQos.AT_LEAST_ONCE).payload(message.getPayloadAsBytes()).send())
          .send().join();
      for (int i = 0; i < warmup; i++) {
        roundTrip(cloud, replies, i);
      }
      long[] micros = new long[samples];
      for (int i = 0; i < samples; i++) {
        micros[i] = roundTrip(cloud, replies, warmup + i);
      }
      return micros;
    } finally {
      echo.toBlocking().disconnect();
      cloud.disconnect();
    }
  }

  private long roundTrip(Mqtt5BlockingClient cloud, Mqtt5BlockingClient.Mqtt5Publishes replies, int sequence)
      throws InterruptedException {
    byte[] payload = ("{\"seq\":" + sequence + "}").getBytes(StandardCharsets.UTF_8);
    long start = System.nanoTime();
    cloud.publishWith().topic(Topics.commands(edgeId)).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
    Mqtt5Publish reply = replies.receive(10, TimeUnit.SECONDS)
        .orElseThrow(() -> new IllegalStateException("no echo within 10 s"));
    long elapsed = System.nanoTime() - start;
    if (!new String(reply.getPayloadAsBytes(), StandardCharsets.UTF_8).contains("\"seq\":" + sequence)) {
      throw new IllegalStateException("echo out of order at " + sequence);
    }
    return elapsed / 1_000;
  }

  /** Retries for a while: a freshly registered credential reaches the broker's cache within seconds. */
  private Mqtt5BlockingClient connect(String clientId, String username, String secret) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
          .serverHost(host).serverPort(port).buildBlocking();
      try {
        client.connectWith().cleanStart(true)
            .simpleAuth().username(username).password(secret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
            .send();
        return client;
      } catch (RuntimeException refused) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(clientId + " could not connect to the broker for the baseline", refused);
        }
        TimeUnit.MILLISECONDS.sleep(250);
      }
    }
  }

}
