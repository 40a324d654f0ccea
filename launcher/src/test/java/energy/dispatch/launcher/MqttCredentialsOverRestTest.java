package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import energy.dispatch.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services and edges registered, rotated and revoked over the admin REST API, against the broker that
 * reads their credentials from PostgreSQL: what the API answers is what the broker admits.
 */
class MqttCredentialsOverRestTest {

  @TempDir
  static Path folder;

  static TestPostgres.Database database;
  static LocalSystem system;
  static String adminToken;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startSystem() {
    database = TestPostgres.freshDatabase();
    system = TestSystems.start(TestSystems.settings(database, CredentialHash.newSecret())
        .adminUserIds(Set.of(LocalSystem.DEMO_USER_ID)).build(), folder, List.of());
    adminToken = system.operatorToken(Duration.ofMinutes(30));
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  void a_service_registered_over_rest_connects_with_its_secret_and_publishes_to_its_ingress() throws Exception {
    String secret = register("optimizer_new");
    call("POST", "/api/v1/admin/grants", "{\"principal\": \"service:optimizer_new\", \"edge_pattern\": \"site5_*\", "
        + "\"can_view\": true, \"can_control\": true}");
    Mqtt5BlockingClient service = awaitServiceAdmitted("optimizer_new", secret, "main").client();
    CompletableFuture<Mqtt5Publish> response = new CompletableFuture<>();
    service.toAsync().publishes(MqttGlobalPublishFilter.SUBSCRIBED, response::complete);
    String responses = Topics.SERVICES + "optimizer_new/responses/";
    service.subscribeWith().topicFilter(responses + "#").qos(MqttQos.AT_LEAST_ONCE).send();

    service.publishWith().topic(Topics.serviceRequests("optimizer_new")).qos(MqttQos.AT_LEAST_ONCE)
        .responseTopic(responses + "run-1").correlationData("corr-1".getBytes(StandardCharsets.UTF_8))
        .payload(OptimizerOverMqttTest.command("svc_cmd_1", "site5_edge_none").toString()
            .getBytes(StandardCharsets.UTF_8)).send();

    // the grant lets it past authorization: the cloud answers that the edge does not exist
    JsonNode answer = Json.mapper().readTree(response.get(30, TimeUnit.SECONDS).getPayloadAsBytes());
    assertThat(answer.path("status").asText()).isEqualTo("refused");
    assertThat(answer.path("error").path("code").asText()).isEqualTo("unknown_edge");
    service.disconnect();
  }

  @Test
  void rotation_disconnects_the_old_session_and_refuses_the_old_secret() throws Exception {
    String oldSecret = register("optimizer_rotated");
    Session old = awaitServiceAdmitted("optimizer_rotated", oldSecret, "old");

    String newSecret = call("POST", "/api/v1/admin/services/optimizer_rotated/rotate", null).path("secret").asText();

    assertThat(old.disconnected().get(30, TimeUnit.SECONDS)).isInstanceOf(Mqtt5DisconnectException.class);
    assertThat(newSecret).isNotEqualTo(oldSecret);
    awaitServiceAdmitted("optimizer_rotated", newSecret, "new").client().disconnect();
    assertServiceRefused("optimizer_rotated", oldSecret);
  }

  @Test
  void revocation_disconnects_the_session_and_refuses_the_secret() throws Exception {
    String secret = register("optimizer_revoked");
    Session session = awaitServiceAdmitted("optimizer_revoked", secret, "main");

    call("DELETE", "/api/v1/admin/services/optimizer_revoked", null);

    assertThat(session.disconnected().get(30, TimeUnit.SECONDS)).isInstanceOf(Mqtt5DisconnectException.class);
    assertServiceRefused("optimizer_revoked", secret);
  }

  @Test
  void an_edge_revoked_over_rest_is_disconnected_and_refused_until_its_secret_is_rotated() throws Exception {
    String edgeId = "site6_edge_revoked";
    String secret = call("POST", "/api/v1/admin/edges", "{\"edge_id\": \"" + edgeId + "\", \"site_id\": \"site6\"}")
        .path("secret").asText();
    Session session = awaitAdmitted(edgeId, edgeId, secret);

    call("DELETE", "/api/v1/admin/edges/" + edgeId, null);

    assertThat(session.disconnected().get(30, TimeUnit.SECONDS)).isInstanceOf(Mqtt5DisconnectException.class);
    assertRefused(edgeId, edgeId, secret);
    String reinstated = call("POST", "/api/v1/admin/edges/" + edgeId + "/rotate", null).path("secret").asText();
    awaitAdmitted(edgeId, edgeId, reinstated).client().disconnect();
  }

  @Test
  void a_service_row_named_with_a_dash_is_refused_by_the_broker_while_one_without_is_admitted() throws Exception {
    String secret = CredentialHash.newSecret();
    // Rows written by hand (or before registration refused a '-'), which the API would not write.
    insertServiceRow("optimizer-legacy", secret);
    insertServiceRow("optimizer_by_hand", secret);

    // a credential refresh that sees the second row, committed later, sees the first
    awaitServiceAdmitted("optimizer_by_hand", secret, "main").client().disconnect();
    assertServiceRefused("optimizer-legacy", secret);
  }

  /** A connected client of a service, and what ends its connection. */
  record Session(Mqtt5BlockingClient client, CompletableFuture<Throwable> disconnected) {}

  private String register(String serviceName) throws Exception {
    return call("POST", "/api/v1/admin/services", "{\"service_name\": \"" + serviceName + "\"}").path("secret")
        .asText();
  }

  private static void insertServiceRow(String serviceName, String secret) throws SQLException {
    try (Connection db = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        PreparedStatement insert = db.prepareStatement(
            "INSERT INTO services (service_name, secret_hash) VALUES (?, ?)")) {
      insert.setString(1, serviceName);
      insert.setString(2, CredentialHash.hash(secret));
      insert.executeUpdate();
    }
  }

  private Session awaitServiceAdmitted(String serviceName, String secret, String suffix) {
    return awaitAdmitted("service:" + serviceName, "service-" + serviceName + "-" + suffix, secret);
  }

  private Session awaitAdmitted(String user, String clientId, String secret) {
    // The broker reads new credentials within its refresh interval (2 s).
    return await().atMost(Duration.ofSeconds(30)).until(() -> connect(user, clientId, secret), Optional::isPresent)
        .orElseThrow();
  }

  private void assertServiceRefused(String serviceName, String secret) {
    assertRefused("service:" + serviceName, "service-" + serviceName + "-refused", secret);
  }

  private void assertRefused(String user, String clientId, String secret) {
    assertThatThrownBy(() -> client(user, clientId, secret, new CompletableFuture<>()).connect())
        .isInstanceOf(Mqtt5ConnAckException.class);
  }

  private Optional<Session> connect(String user, String clientId, String secret) {
    CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
    Mqtt5BlockingClient client = client(user, clientId, secret, disconnected);
    try {
      client.connect();
      return Optional.of(new Session(client, disconnected));
    } catch (Mqtt5ConnAckException notYet) {
      return Optional.empty();
    }
  }

  private static Mqtt5BlockingClient client(String user, String clientId, String secret,
      CompletableFuture<Throwable> disconnected) {
    return Mqtt5Client.builder().identifier(clientId)
        .serverHost("127.0.0.1").serverPort(system.broker().port())
        .simpleAuth().username(user).password(secret.getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth()
        .addDisconnectedListener(context -> disconnected.complete(context.getCause()))
        .buildBlocking();
  }

  private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.cloud().httpPort() + path))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return response.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(response.body());
  }
}
