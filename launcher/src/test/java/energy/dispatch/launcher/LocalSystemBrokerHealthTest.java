package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.broker.embedded.BrokerHealthEndpoint;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.testing.TestPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker of the whole system in one process, as the demo runs it, with its health endpoint. */
class LocalSystemBrokerHealthTest {

  @TempDir
  Path folder;

  @Test
  void the_broker_serves_its_health_when_its_environment_names_a_port() throws Exception {
    Map<String, String> brokerEnvironment = Map.of(BrokerHealthEndpoint.PORT_SETTING, "0");
    LocalSystem.Options options = new LocalSystem.Options(
        TestSystems.settings(TestPostgres.freshDatabase(), CredentialHash.newSecret()).build(), 0,
        folder.resolve("data"), List.of(), TestSystems.SITE_CONFIGS, Optional.empty(), brokerEnvironment);

    try (LocalSystem system = LocalSystem.start(options)) {
      BrokerHealthEndpoint health = system.brokerHealth().orElseThrow();
      HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(health.uri()).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("{\"status\":\"up\"}");
    }
  }
}
