package energy.dispatch.launcher;

import static energy.dispatch.launcher.TestSystems.dispatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.launcher.TestSystems.Run;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.testing.TestCertificates;
import energy.dispatch.testing.TestPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system with TLS on every link, certificates generated for the test: the CLI sends over
 * WSS and calls the admin API over HTTPS, the cloud publishes to the broker's TLS listener, and the
 * edge agent takes the command from it and drives its simulated battery. Plain links get nowhere.
 */
class TlsEndToEndTest {

  @TempDir
  static Path folder;

  static TestCertificates certificates;
  static LocalSystem system;
  static Path operatorToken;

  @BeforeAll
  static void startSystemWithTls() throws Exception {
    certificates = TestCertificates.forLoopback(folder.resolve("tls"));
    CloudSettings settings = TestSystems.settings(TestPostgres.freshDatabase(), CredentialHash.newSecret())
        .adminUserIds(Set.of(LocalSystem.DEMO_USER_ID))
        .httpsKeystore(certificates.serverKeystore())
        .build();
    LocalSystem.MqttTls mqttTls = new LocalSystem.MqttTls(certificates.serverKeystore(), certificates.trustingPem());
    system = LocalSystem.start(new LocalSystem.Options(settings, 0, folder.resolve("data"), List.of("site1_edge_prod"),
        TestSystems.SITE_CONFIGS, Optional.of(mqttTls)));
    operatorToken = Files.writeString(folder.resolve("operator.token"), system.operatorToken(Duration.ofMinutes(30)));
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void setpoint_sent_over_wss_is_executed_by_the_edge_over_tls_mqtt() {
    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", operatorToken.toString(),
        "--ca-file", certificates.certificatePem().toString(), "--edge", "site1_edge_prod", "--device", "bms_main",
        "--channel", "SetActivePower", "--value", "42000", "--unit", "W");

    assertThat(system.cloud().webSocketUrl()).startsWith("wss://");
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains(" sent", " delivered", " executed");
    assertThat(run.exitCode()).isZero();
    assertThat(system.site("site1_edge_prod").simulator().model().setpointWatts()).isEqualTo(42_000.0);
    assertThat(system.site("site1_edge_prod").agent().connected()).isTrue();
  }

  @Test
  void admin_call_over_https_succeeds_with_the_ca_file() {
    Run run = dispatch("admin", "grant", "--api", system.cloud().httpUrl(), "--token-file", operatorToken.toString(),
        "--ca-file", certificates.certificatePem().toString(), "--principal", "user:901", "--edges", "site1_*",
        "--view");

    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("granted user:901 on site1_*: view only, no control");
  }

  @Test
  void plain_http_and_ws_on_the_tls_port_get_nowhere() {
    String plainApi = "http://127.0.0.1:" + system.cloud().httpPort();
    Run run = dispatch("admin", "grant", "--api", plainApi, "--token-file", operatorToken.toString(),
        "--principal", "user:902", "--edges", "site1_*", "--view");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThatThrownBy(() -> DispatchSocket.open(URI.create("ws://127.0.0.1:" + system.cloud().httpPort() + "/ws")))
        .hasMessageContaining("cannot open the WebSocket");
  }

  @Test
  void client_that_does_not_trust_the_certificate_is_refused_by_the_handshake() {
    Run run = dispatch("admin", "grant", "--api", system.cloud().httpUrl(), "--token-file", operatorToken.toString(),
        "--principal", "user:903", "--edges", "site1_*", "--view");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).containsIgnoringCase("certification path");
  }

  @Test
  void cli_refuses_to_send_a_token_in_the_clear_beyond_loopback() {
    Run run = dispatch("send", "--url", "ws://cloud.example.invalid:8080/ws", "--token-file",
        operatorToken.toString(), "--edge", "site1_edge_prod", "--value", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("would send the access token in the clear", "use https:// or wss://");
  }

  @Test
  void edge_refuses_plain_mqtt_to_a_remote_broker_naming_the_options() throws Exception {
    Path secret = Files.writeString(folder.resolve("edge.secret"), CredentialHash.newSecret());
    Run run = dispatch("edge", "--edge-id", "site5_edge_tls", "--config", folder.resolve("none.json").toString(),
        "--journal", folder.resolve("edge.db").toString(), "--secret-file", secret.toString(),
        "--broker-host", "broker.example.invalid", "--broker-port", "8883");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("broker host broker.example.invalid is not a loopback address",
        "DISPATCH_MQTT_CA_FILE", "--broker-*");
  }
}
