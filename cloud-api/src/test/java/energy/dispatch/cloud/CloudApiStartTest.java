package energy.dispatch.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.cloud.internal.StartupException;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestSettings;
import energy.dispatch.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CloudApiStartTest {

  private static TestBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private static CloudSettings.Builder settings() {
    return TestSettings.fresh().mqttHost(broker.host()).mqttPort(broker.port()).mqttSecret(TestBroker.CLOUD_SECRET);
  }

  @Test
  void starts_on_a_free_port_and_answers_health() throws Exception {
    try (CloudApi cloud = CloudApi.start(settings().build())) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cloud.httpPort() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"db\":true", "\"redis\":true", "\"mqtt\":true");
    }
  }

  @Test
  void outside_demo_mode_no_development_token_is_minted() throws Exception {
    try (CloudApi cloud = CloudApi.start(settings().demoMode(false).build())) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cloud.httpPort() + "/api/v1/dev/token"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\": \"456\", \"ttl_sec\": 60}")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).contains("development tokens exist only in demo mode").doesNotContain("access");
      assertThatThrownBy(() -> cloud.mintDevToken("456", Duration.ofMinutes(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("only in demo mode (DISPATCH_DEMO=true)");
    }
  }

  @Test
  void a_taken_http_port_is_an_error_naming_the_setting() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CloudSettings settings = settings().httpPort(taken.getLocalPort()).build();

      assertThatThrownBy(() -> CloudApi.start(settings))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("DISPATCH_HTTP_PORT=" + taken.getLocalPort() + " is already in use");
    }
  }

  @Test
  void an_unreachable_database_fails_start_with_a_clear_message() {
    CloudSettings settings = settings()
        .database("jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/none", "postgres", "").build();

    assertThatThrownBy(() -> CloudApi.start(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("cannot reach PostgreSQL").hasMessageContaining("DATABASE_URL");
  }

  @Test
  void an_unreachable_redis_fails_start_with_a_clear_message() {
    CloudSettings settings = settings().redisUrl("redis://127.0.0.1:" + FreePorts.next()).build();

    assertThatThrownBy(() -> CloudApi.start(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("cannot reach Redis").hasMessageContaining("REDIS_URL");
  }

  @Test
  void an_unreachable_broker_fails_start_with_a_clear_message() {
    CloudSettings settings = settings().mqttPort(FreePorts.next()).build();

    assertThatThrownBy(() -> CloudApi.start(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("cannot connect to the MQTT broker").hasMessageContaining("DISPATCH_MQTT_PORT");
  }

  @Test
  void wrong_broker_credentials_fail_start_with_a_clear_message() {
    CloudSettings settings = settings().mqttSecret("not-the-cloud-secret").build();

    assertThatThrownBy(() -> CloudApi.start(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("DISPATCH_CLOUD_MQTT_SECRET");
  }

  @Test
  void registers_edges_grants_configs_and_mints_dev_tokens_in_process() {
    try (CloudApi cloud = CloudApi.start(settings().build())) {
      String secret = cloud.registerEdge("site1_edge_prod", "site1");
      String rotated = cloud.registerEdge("site1_edge_prod", "site1");
      cloud.grant("user:456", "site*", true, true);

      assertThat(secret).hasSize(43).isNotEqualTo(rotated);
      assertThat(cloud.mintDevToken("456", java.time.Duration.ofMinutes(5))).contains(".");
    }
  }
}
