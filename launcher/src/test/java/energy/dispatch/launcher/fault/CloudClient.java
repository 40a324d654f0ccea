package energy.dispatch.launcher.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The operator's REST client of one cloud-api node: submit, get and cancel commands, list edges.
 * A node that is down answers status 0 (no connection) instead of throwing, so that a test can
 * poll through a restart. Thread-safe.
 */
final class CloudClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int httpPort;
  private final String token;

  CloudClient(int httpPort, String token) {
    this.httpPort = httpPort;
    this.token = token;
  }

  int httpPort() {
    return httpPort;
  }

  URI webSocketUrl() {
    return URI.create("ws://127.0.0.1:" + httpPort + "/ws");
  }

  /** An answer: the HTTP status (0 when the node could not be reached) and the JSON body. */
  record Answer(int status, JsonNode body) {
    boolean accepted() {
      return status == 200 || status == 202;
    }

    String errorCode() {
      return body.path("error").path("code").asText();
    }
  }

  Answer submit(JsonNode command) {
    return send(request("/api/v1/commands").POST(HttpRequest.BodyPublishers.ofString(command.toString())));
  }

  Answer get(String commandId) {
    return send(request("/api/v1/commands/" + commandId).GET());
  }

  Answer cancel(String commandId) {
    return send(request("/api/v1/commands/" + commandId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()));
  }

  /** Whether the node answers and counts the edge as present. */
  boolean edgeOnline(String edgeId) {
    Answer answer = send(request("/api/v1/edges").GET());
    for (JsonNode edge : answer.body().path("edges")) {
      if (edgeId.equals(edge.path("edge_id").asText())) {
        return edge.path("online").asBoolean(false);
      }
    }
    return false;
  }

  /** Whether the node answers its health check with every dependency up. */
  boolean healthy() {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
        .timeout(REQUEST_TIMEOUT).GET()).status() == 200;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json");
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Answer(response.statusCode(), body == null || body.isBlank()
          ? MissingNode.getInstance() : Json.mapper().readTree(body));
    } catch (IOException e) {
      return new Answer(0, MissingNode.getInstance());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, MissingNode.getInstance());
    }
  }
}
