package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.broker.BrokerStatus;
import energy.dispatch.broker.JdbcCredentialStore;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The broker's health over real HTTP, while it runs and when its extension could not start. */
class BrokerHealthEndpointTest {

  private static final String CLOUD_SECRET = CredentialHash.newSecret();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dataFolder;

  private final BrokerStatus status = new BrokerStatus();
  private BrokerHealthEndpoint health;

  @BeforeEach
  void startHealthEndpoint() {
    health = BrokerHealthEndpoint.start(Map.of(BrokerHealthEndpoint.PORT_SETTING, "0"), status);
  }

  @AfterEach
  void stopHealthEndpoint() {
    health.close();
  }

  @Test
  void a_running_broker_is_up_and_a_stopped_one_down() throws Exception {
    EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.defaults(dataFolder),
        StaticCredentialStore.withCloudSecret(CLOUD_SECRET), status);

    HttpResponse<String> up = get(health.uri());
    broker.close();
    HttpResponse<String> stopped = get(health.uri());

    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(up.body()).isEqualTo("{\"status\":\"up\"}");
    assertThat(stopped.statusCode()).isEqualTo(503);
    assertThat(json(stopped).path("status").asText()).isEqualTo("down");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"database unreachable at start", "bad database configuration"})
  void a_broker_whose_extension_cannot_start_admits_no_client_and_its_health_says_why(String failure)
      throws Exception {
    int mqttPort = FreePorts.next();
    String jdbcUrl = failure.startsWith("bad")
        ? "jdbc:nosuchdatabase://127.0.0.1/dispatch"
        : "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/dispatch";
    JdbcCredentialStore credentials = new JdbcCredentialStore(jdbcUrl, "dispatch", "not-a-secret",
        CredentialHash.hash(CLOUD_SECRET), Duration.ofSeconds(2));

    assertThatThrownBy(() -> EmbeddedBroker.start(BrokerSettings.defaults(dataFolder).withPort(mqttPort),
        credentials, status)).isInstanceOf(BrokerStartException.class);

    HttpResponse<String> answer = get(health.uri());
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(json(answer).path("status").asText()).isEqualTo("down");
    assertThat(json(answer).path("reason").asText())
        .contains("the dispatch broker extension cannot start", "cannot load broker credentials")
        .doesNotContain("not-a-secret");
    try (MqttTestClient cloud = new MqttTestClient(mqttPort, "cloud-1")) {
      assertThatThrownBy(() -> cloud.connect("cloud", CLOUD_SECRET)).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void only_the_health_path_answers() throws Exception {
    status.started();

    assertThat(get(health.uri().resolve("/healthz")).statusCode()).isEqualTo(404);
    assertThat(HTTP.send(HttpRequest.newBuilder(health.uri()).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }

  @Test
  void a_health_port_that_is_not_a_port_is_an_error_naming_the_setting() {
    assertThatThrownBy(() -> BrokerHealthEndpoint.start(Map.of(BrokerHealthEndpoint.PORT_SETTING, "80a"), status))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(BrokerHealthEndpoint.PORT_SETTING + " must be 0 (any free port) or 1-65535, was '80a'");
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    return Json.mapper().readTree(response.body());
  }
}
