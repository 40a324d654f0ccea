package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.schema.Json;
import energy.dispatch.testing.FreePorts;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./dispatch broker} as a process that could not start its broker: it stays up to say why. */
class BrokerHealthProcessTest {

  private static final Pattern DOWN = Pattern.compile("^broker admits no client: ");

  @TempDir
  Path folder;

  @Test
  void a_broker_process_whose_database_is_unreachable_admits_no_client_and_its_health_says_why() throws Exception {
    int mqttPort = FreePorts.next();
    int healthPort = FreePorts.next();
    Map<String, String> env = Map.of(
        "DATABASE_URL", "postgresql://dispatch@127.0.0.1:" + FreePorts.next() + "/dispatch",
        "DISPATCH_CLOUD_MQTT_SECRET", "cloud-secret-of-the-test-0123456789",
        "DISPATCH_MQTT_PORT", Integer.toString(mqttPort),
        "DISPATCH_BROKER_HEALTH_PORT", Integer.toString(healthPort));
    try (PartProcess broker = new PartProcess("broker-database-down",
        List.of("broker", "--data", folder.resolve("broker").toString()), env, DOWN,
        Path.of("target", "fault-logs", "BrokerHealthProcessTest"), PartProcess.EDGE_HEAP).start()) {

      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(Json.mapper().readTree(health.body()).path("reason").asText())
          .contains("the broker's credential tables cannot be read");
      assertThatThrownBy(() -> new Socket("127.0.0.1", mqttPort).close()).isInstanceOf(ConnectException.class);
      assertThat(broker.alive()).isTrue();
    }
  }
}
