package energy.dispatch.broker.embedded;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/** A real MQTT 5 client against the broker under test, answering reason codes instead of throwing. */
final class MqttTestClient implements AutoCloseable {

  private final Mqtt5BlockingClient client;
  private Mqtt5BlockingClient.Mqtt5Publishes received;

  MqttTestClient(int port, String clientId) {
    this.client = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port).buildBlocking();
  }

  /** A client speaking TLS that trusts the certificates of {@code trust}. */
  MqttTestClient(int port, String clientId, TrustManagerFactory trust) {
    this.client = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
        .sslConfig().trustManagerFactory(trust).applySslConfig().buildBlocking();
  }

  Mqtt5ConnAckReasonCode connect(String user, String secret) {
    return connect(user, secret, Optional.empty());
  }

  /** The broker's CONNACK of a login expected to succeed, with the limits it announces. */
  Mqtt5ConnAck connectExpectingSuccess(String user, String secret) {
    received = client.publishes(MqttGlobalPublishFilter.ALL);
    return client.connectWith()
        .simpleAuth().username(user).password(secret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
        .send();
  }

  Mqtt5ConnAckReasonCode connect(String user, String secret, Optional<Mqtt5Publish> will) {
    received = client.publishes(MqttGlobalPublishFilter.ALL);
    Mqtt5ConnectBuilder connect = Mqtt5Connect.builder()
        .simpleAuth().username(user).password(secret.getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
    will.ifPresent(w -> connect.willPublish(w.asWill()));
    try {
      return client.connect(connect.build()).getReasonCode();
    } catch (Mqtt5ConnAckException refused) {
      return refused.getMqttMessage().getReasonCode();
    }
  }

  Mqtt5ConnAckReasonCode connectAnonymously() {
    received = client.publishes(MqttGlobalPublishFilter.ALL);
    try {
      return client.connect().getReasonCode();
    } catch (Mqtt5ConnAckException refused) {
      return refused.getMqttMessage().getReasonCode();
    }
  }

  List<Mqtt5SubAckReasonCode> subscribe(String filter) {
    try {
      return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes();
    } catch (Mqtt5SubAckException refused) {
      return refused.getMqttMessage().getReasonCodes();
    }
  }

  Mqtt5PubAckReasonCode publish(Mqtt5Publish publish) {
    try {
      Mqtt5PublishResult result = client.publish(publish);
      if (result.getError().isPresent() && result.getError().get() instanceof Mqtt5PubAckException refused) {
        return refused.getMqttMessage().getReasonCode();
      }
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) result).getPubAck().getReasonCode();
    } catch (Mqtt5PubAckException refused) {
      return refused.getMqttMessage().getReasonCode();
    }
  }

  static Mqtt5Publish message(String topic, String payload) {
    return Mqtt5Publish.builder().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload.getBytes(StandardCharsets.UTF_8)).build();
  }

  /** The next message delivered to this client, waiting up to ten seconds. */
  Optional<Mqtt5Publish> receive() throws InterruptedException {
    return received.receive(10, TimeUnit.SECONDS);
  }

  boolean isConnected() {
    return client.getState().isConnected();
  }

  @Override
  public void close() {
    if (client.getState().isConnected()) {
      try {
        client.disconnect();
      } catch (MqttClientStateException alreadyDisconnected) {
        // the broker closed the connection meanwhile, as it does after a refused publish
      }
    }
    if (received != null) {
      received.close();
    }
  }
}
