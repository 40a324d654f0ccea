package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parts started as their own processes refuse plain TCP beyond loopback before they open anything:
 * each exits with 2 and one line naming the setting to set. No database, broker or network is
 * needed, because nothing gets that far.
 */
class PlainLinksRefusedTest {

  private static final Pattern NEVER_READY = Pattern.compile("listening on");
  private static final Duration EXIT_WAIT = Duration.ofSeconds(60);

  @TempDir
  Path folder;

  private String refusal(String name, List<String> arguments, Map<String, String> environment) {
    try (PartProcess part = new PartProcess(name, arguments, environment, NEVER_READY, folder,
        PartProcess.EDGE_HEAP)) {
      part.launch();
      assertThat(part.awaitExit(EXIT_WAIT)).as(part.tail(10)).isEqualTo(2);
      assertThat(part.printed(NEVER_READY)).isFalse();
      return String.join("\n", part.output());
    }
  }

  private static Map<String, String> cloudEnvironment(String variable, String value) {
    return Map.of("DATABASE_URL", "postgresql://dispatch@127.0.0.1:1/none",
        "DISPATCH_JWT_SECRET", "0123456789abcdef0123456789abcdef", variable, value);
  }

  @Test
  void cloud_listening_beyond_loopback_without_a_keystore_refuses_to_start() {
    String output = refusal("cloud-plain-http", List.of("cloud"), cloudEnvironment("DISPATCH_HTTP_HOST", "0.0.0.0"));

    assertThat(output).contains("DISPATCH_HTTP_HOST=0.0.0.0 is not a loopback address",
        "set DISPATCH_HTTPS_KEYSTORE and DISPATCH_HTTPS_KEYSTORE_PASSWORD");
  }

  @Test
  void cloud_with_a_remote_broker_and_no_trust_refuses_to_start() {
    String output = refusal("cloud-plain-mqtt", List.of("cloud"),
        cloudEnvironment("DISPATCH_MQTT_HOST", "broker.example.invalid"));

    assertThat(output).contains("DISPATCH_MQTT_HOST=broker.example.invalid is not a loopback address",
        "DISPATCH_MQTT_CA_FILE");
  }

  @Test
  void broker_with_a_keystore_but_no_password_refuses_to_start() {
    String output = refusal("broker-no-password", List.of("broker", "--data", folder.resolve("data").toString(),
        "--bind-host", "0.0.0.0", "--keystore", folder.resolve("broker.p12").toString()),
        Map.of("DISPATCH_CLOUD_MQTT_SECRET", "cloud-secret-of-the-test-0123456789"));

    assertThat(output).contains("DISPATCH_MQTT_KEYSTORE_PASSWORD is not set");
  }
}
