package energy.dispatch.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.schema.tls.ClientTrust;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EdgeSettingsTest {

  private static final String SECRET = "edge-secret-never-shown";
  private static final Path CONFIG = Path.of("capability-config.json");
  private static final Path JOURNAL = Path.of("journal.db");
  private final EdgeSettings defaults = EdgeSettings.of("site1_edge1", SECRET, "127.0.0.1", 1883, CONFIG, JOURNAL);

  @Test
  void the_keep_alive_defaults_to_thirty_seconds_and_can_be_changed() {
    assertThat(defaults.keepAliveSeconds()).isEqualTo(30);
    assertThat(defaults.withKeepAliveSeconds(4).keepAliveSeconds()).isEqualTo(4);
    assertThat(defaults.withKeepAliveSeconds(4).edgeId()).isEqualTo("site1_edge1");
  }

  @Test
  void a_keep_alive_outside_what_mqtt_can_carry_is_refused_naming_the_setting() {
    assertThatThrownBy(() -> defaults.withKeepAliveSeconds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAliveSeconds");
    assertThatThrownBy(() -> defaults.withKeepAliveSeconds(65_536))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAliveSeconds must be at most 65535");
  }

  @Test
  void the_settings_never_show_the_secret() {
    assertThat(defaults.withKeepAliveSeconds(4).toString()).doesNotContain(SECRET).contains("keepAliveSeconds=4");
  }

  @Test
  void plain_mqtt_to_a_remote_broker_is_refused_naming_the_trust_settings() {
    assertThatThrownBy(() -> EdgeSettings.of("site1_edge_prod", "secret", "hivemq", 8883, CONFIG, JOURNAL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("broker host hivemq is not a loopback address")
        .hasMessageContaining("DISPATCH_MQTT_CA_FILE")
        .hasMessageContaining("--broker-*");
  }

  @Test
  void plain_mqtt_on_loopback_is_the_demo_and_allowed() {
    assertThat(EdgeSettings.of("site1_edge_prod", "secret", "localhost", 1883, CONFIG, JOURNAL).brokerTrust())
        .isEmpty();
  }

  @Test
  void a_remote_broker_is_allowed_over_tls_and_the_trust_store_password_is_never_shown() {
    EdgeSettings settings = EdgeSettings.of("site1_edge_prod", "edge-secret-value", "127.0.0.1", 8883, CONFIG, JOURNAL)
        .withBrokerTrust(ClientTrust.trustStore(Path.of("trust.p12"), "trust-store-password"));

    EdgeSettings remote = new EdgeSettings(settings.edgeId(), settings.secret(), "broker.example.com", 8883, CONFIG,
        JOURNAL, 900, 100, settings.stateReportPeriod(), settings.clock(), true, 30, settings.brokerTrust());

    assertThat(remote.brokerTrust()).isPresent();
    assertThat(remote.toString()).contains("trust.p12").doesNotContain("trust-store-password", "edge-secret-value");
  }
}
