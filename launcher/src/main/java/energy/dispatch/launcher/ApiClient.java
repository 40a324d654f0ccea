package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * A small client of the cloud's REST API for the CLI. The token travels only in the
 * {@code Authorization} header. An error answer becomes an exception carrying the server's code and
 * sentence.
 */
final class ApiClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final URI base;
  private final String token;

  /** A client of {@code base} through {@code http}, which carries the TLS trust for {@code https://}. */
  ApiClient(HttpClient http, URI base, String token) {
    this.http = http;
    this.base = base;
    this.token = token;
  }

  JsonNode send(String method, String path, JsonNode body) throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.toString());
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, publisher)
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException refused) {
      throw new IllegalStateException("cannot connect to " + base + " (connection refused): is the cloud running? "
          + "Give its address with --api or DISPATCH_API_URL", refused);
    } catch (HttpTimeoutException slow) {
      throw new IllegalStateException(base + " did not answer " + method + " " + path + " within "
          + TIMEOUT.toSeconds() + " s: is the cloud overloaded or the address wrong?", slow);
    }
    JsonNode answer = response.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(response.body());
    if (response.statusCode() >= 400) {
      JsonNode error = answer.path("error");
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + " "
          + error.path("code").asText("") + ": " + error.path("message").asText(response.body()));
    }
    return answer;
  }
}
