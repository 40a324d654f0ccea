package energy.dispatch.cloud.support;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** A real WebSocket client (java.net.http) that keeps every message the server sends. */
public final class TestSocket implements AutoCloseable {

  private final WebSocket socket;
  private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();

  private TestSocket(HttpClient http, String url, String bearerToken) {
    WebSocket.Builder builder = http.newWebSocketBuilder();
    if (bearerToken != null) {
      builder.header("Authorization", "Bearer " + bearerToken);
    }
    this.socket = builder.buildAsync(URI.create(url), new Listener()).join();
  }

  /** Opens a socket without authenticating. */
  public static TestSocket open(String url) {
    return new TestSocket(HttpClient.newHttpClient(), url, null);
  }

  /** Opens a socket with an {@code Authorization: Bearer} header. */
  public static TestSocket openWithHeader(String url, String token) {
    return new TestSocket(HttpClient.newHttpClient(), url, token);
  }

  /** Opens a socket and authenticates with a first auth message, waiting for auth_ok. */
  public static TestSocket authenticated(String url, String token) {
    return authenticated(HttpClient.newHttpClient(), url, token);
  }

  /** Like {@link #authenticated(String, String)}, through {@code http} (a client with its own TLS trust). */
  public static TestSocket authenticated(HttpClient http, String url, String token) {
    TestSocket socket = new TestSocket(http, url, null);
    socket.send(Json.mapper().createObjectNode().put("type", "auth").put("token", token).toString());
    socket.await(m -> m.path("type").asText().equals("auth_ok"));
    return socket;
  }

  public void send(String text) {
    socket.sendText(text, true).join();
  }

  public void sendBinary(byte[] data) {
    socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
  }

  /** The first message (in arrival order) matching, waiting up to 10 s. */
  public JsonNode await(Predicate<JsonNode> matching) {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> find(matching), m -> m != null);
  }

  /** The status message for a command with the given status, waiting up to 10 s. */
  public JsonNode awaitStatus(String commandId, String status) {
    return await(m -> m.path("type").asText().equals("command_status") && m.path("command_id").asText().equals(commandId)
        && m.path("status").asText().equals(status));
  }

  private JsonNode find(Predicate<JsonNode> matching) {
    return messages.stream().filter(matching).findFirst().orElse(null);
  }

  /** Every message so far. */
  public List<JsonNode> messages() {
    return new ArrayList<>(messages);
  }

  /** Statuses pushed for a command, in order. */
  public List<String> statusesOf(String commandId) {
    return messages.stream().filter(m -> m.path("command_id").asText().equals(commandId))
        .map(m -> m.path("status").asText()).toList();
  }

  /** The close reason once the server closed the socket. */
  public CompletableFuture<String> closed() {
    return closed;
  }

  public boolean isOpen() {
    return !closed.isDone() && !socket.isInputClosed();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null);
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          messages.add(Json.mapper().readTree(partial.toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete("error " + error);
    }
  }
}
