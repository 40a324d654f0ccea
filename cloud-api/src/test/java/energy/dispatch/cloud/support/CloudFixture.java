package energy.dispatch.cloud.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.CloudApi;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Jdbi;

/**
 * A running cloud-api node against a broker, a fresh database and a fresh Redis prefix, with the
 * demo site's edges registered; helpers for tokens, edges, sockets, REST calls and the audit.
 */
public final class CloudFixture implements AutoCloseable {

  public static final String EDGE = "site1_edge_prod";
  public static final String OTHER_EDGE = "site2_edge_prod";
  public static final String OPERATOR = "456";
  public static final String ADMIN = "1";

  private final TestBroker broker;
  private final CloudApi cloud;
  private final CloudSettings settings;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private CloudFixture(TestBroker broker, CloudApi cloud, CloudSettings settings) {
    this.broker = broker;
    this.cloud = cloud;
    this.settings = settings;
  }

  /** A node with a 2 s delivery timeout; operator 456 controls both demo edges, which have their configs. */
  public static CloudFixture start(TestBroker broker, UnaryOperator<CloudSettings.Builder> tweak) {
    CloudSettings settings = tweak.apply(TestSettings.fresh()
        .mqttHost(broker.host()).mqttPort(broker.port()).mqttSecret(TestBroker.CLOUD_SECRET)
        .deliveryTimeout(Duration.ofSeconds(2))).build();
    CloudFixture fixture = new CloudFixture(broker, CloudApi.start(settings), settings);
    fixture.setUpDemoSite();
    return fixture;
  }

  public static CloudFixture start(TestBroker broker) {
    return start(broker, builder -> builder);
  }

  /** Another node on the same database and Redis prefix. */
  public CloudFixture secondNode() {
    CloudSettings second = settings.toBuilder().nodeId(settings.nodeId() + "-b").build();
    return new CloudFixture(broker, CloudApi.start(second), second);
  }

  /** Stops this node (its sockets and edges stay) and starts a new one on the same settings. */
  public CloudFixture restart() {
    cloud.close();
    return new CloudFixture(broker, CloudApi.start(settings), settings);
  }

  private void setUpDemoSite() {
    for (String edge : List.of(EDGE, OTHER_EDGE)) {
      broker.allowEdge(edge, cloud.registerEdge(edge, edge.substring(0, 5)));
      cloud.storeCapabilityConfig(edge, siteConfig(edge), "test");
    }
    cloud.grant("user:" + OPERATOR, "site*_edge_prod", true, true);
  }

  static JsonNode siteConfig(String edgeId) {
    return json(siteConfigText(edgeId));
  }

  /** The demo site's capability config from config/sites. */
  public static String siteConfigText(String edgeId) {
    Path file = Path.of("..", "config", "sites", edgeId + ".json");
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo site config " + file.toAbsolutePath(), e);
    }
  }

  /** Parses JSON text (a response body). */
  public static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public CloudApi cloud() {
    return cloud;
  }

  public CloudSettings settings() {
    return settings;
  }

  public String token(String userId) {
    return cloud.mintDevToken(userId, Duration.ofMinutes(10));
  }

  /** Registers another edge (no grant, no config) and lets it log in; returns its secret. */
  public String registerEdge(String edgeId) {
    String secret = cloud.registerEdge(edgeId, "site9");
    broker.allowEdge(edgeId, secret);
    return secret;
  }

  /** Connects a test double of an edge agent that is online at once. */
  public TestEdge connectEdge(String edgeId, TestEdge.Answer answer) {
    String secret = cloud.registerEdge(edgeId, edgeId.substring(0, 5));
    broker.allowEdge(edgeId, secret);
    return track(TestEdge.connect(edgeId, secret, broker.host(), broker.port(), answer));
  }

  /** Reconnects an edge double with its existing session; the secret is rotated first. */
  public TestEdge reconnectEdge(String edgeId, TestEdge.Answer answer) {
    return connectEdge(edgeId, answer);
  }

  public TestSocket socket(String userId) {
    return track(TestSocket.authenticated(cloud.webSocketUrl(), token(userId)));
  }

  public TestSocket rawSocket() {
    return track(TestSocket.open(cloud.webSocketUrl()));
  }

  public <T extends AutoCloseable> T track(T resource) {
    opened.add(resource);
    return resource;
  }

  /** An HTTP call with a bearer token (none when null); the response body as text. */
  public HttpResponse<String> call(String method, String path, String token, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cloud.httpPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asserts the status and code of an error answer, with a message, and returns the message. */
  public static String assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = json(response.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    return error.path("message").asText();
  }

  /** The record, for asserting the audit. */
  public Jdbi database() {
    return Jdbi.create(settings.jdbcUrl(), settings.databaseUser(), settings.databasePassword());
  }

  public List<String> auditedStatuses(String commandId) {
    return database().withHandle(h -> h.createQuery(
            "SELECT status FROM command_events WHERE command_id = :id ORDER BY at, event_seq")
        .bind("id", commandId).mapTo(String.class).list());
  }

  public List<String> refusalCodes(String commandId) {
    return database().withHandle(h -> h.createQuery("SELECT code FROM refusals WHERE command_id = :id ORDER BY at")
        .bind("id", commandId).mapTo(String.class).list());
  }

  /** The seed command of issue 2 with another command id (and optional changes by JSON path). */
  public static String seedCommand(String commandId) {
    return seedCommand(commandId, EDGE, 50_000);
  }

  public static String seedCommand(String commandId, String edgeId, Number valueWatts) {
    return """
        {"command_id": "%s", "command_type": "setpoint",
         "target": {"edge_id": "%s", "device_id": "bms_main", "channel": "SetActivePower"},
         "value": %s, "unit": "W", "expiry_sec": 300, "source": "user_456", "timestamp": "2026-02-15T14:30:00Z"}
        """.formatted(commandId, edgeId, valueWatts);
  }

  @Override
  public void close() {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception ignored) {
        // best effort: the next test starts from fresh servers anyway
      }
    }
    cloud.close();
  }
}
