package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that restarts on its own data no longer claims that edges are online: a crashed broker
 * never published their last wills, so their retained states may still say online.
 */
class StalePresenceTest {

  @TempDir
  Path dataFolder;

  @Test
  void retained_online_state_of_an_edge_that_is_not_connected_says_offline_after_a_broker_restart()
      throws Exception {
    String cloudSecret = CredentialHash.newSecret();
    String edgeSecret = CredentialHash.newSecret();
    BrokerSettings settings = BrokerSettings.defaults(dataFolder);
    int port;
    try (EmbeddedBroker broker = EmbeddedBroker.start(settings, store(cloudSecret, edgeSecret));
        MqttTestClient edge = new MqttTestClient(broker.port(), "site1_edge_prod")) {
      port = broker.port();
      edge.connectExpectingSuccess("site1_edge_prod", edgeSecret);
      // An orderly DISCONNECT sends no will: the retained state stays 'online', as after a crash.
      edge.publish(Mqtt5Publish.builder().topic(Topics.state("site1_edge_prod")).qos(MqttQos.AT_LEAST_ONCE)
          .retain(true).payload("{\"edge_id\":\"site1_edge_prod\",\"online\":true}".getBytes(StandardCharsets.UTF_8))
          .build());
    }

    try (EmbeddedBroker restarted = EmbeddedBroker.start(settings.withPort(port), store(cloudSecret, edgeSecret));
        MqttTestClient cloud = new MqttTestClient(restarted.port(), "cloud-test")) {
      cloud.connectExpectingSuccess("cloud", cloudSecret);
      cloud.subscribe(Topics.state("site1_edge_prod"));

      // The stale state may arrive first; the correction must follow it.
      boolean online = true;
      for (Optional<Mqtt5Publish> state = cloud.receive(); state.isPresent() && online; state = cloud.receive()) {
        online = Json.mapper().readTree(state.get().getPayloadAsBytes()).path("online").asBoolean(true);
      }
      assertThat(online).isFalse();
    }
  }

  private static StaticCredentialStore store(String cloudSecret, String edgeSecret) {
    return StaticCredentialStore.withCloudSecret(cloudSecret).putEdge("site1_edge_prod", CredentialHash.hash(edgeSecret));
  }
}
