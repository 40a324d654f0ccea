package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A client of the cloud's dashboard WebSocket, as the CLI and the tests use it: authenticates with
 * a first {@code auth} message (as a browser must), sends JSON, and hands out what the server
 * pushes in arrival order. Not thread-safe: one caller at a time.
 */
public final class DispatchSocket implements AutoCloseable {

  /** How often a wait looks whether the server closed the socket meanwhile. */
  private static final Duration CLOSE_CHECK = Duration.ofMillis(200);

  private final WebSocket socket;
  private final BlockingQueue<JsonNode> received;
  private final CompletableFuture<String> closed;

  private DispatchSocket(WebSocket socket, BlockingQueue<JsonNode> received, CompletableFuture<String> closed) {
    this.socket = socket;
    this.received = received;
    this.closed = closed;
  }

  /** Opens the socket without authenticating. */
  public static DispatchSocket open(URI url) {
    return open(HttpClient.newHttpClient(), url);
  }

  /** Opens the socket through {@code http}, which carries the TLS trust for {@code wss://}. */
  public static DispatchSocket open(HttpClient http, URI url) {
    BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    CompletableFuture<String> closed = new CompletableFuture<>();
    try {
      WebSocket socket = http.newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .buildAsync(url, new Listener(received, closed))
          .get(10, TimeUnit.SECONDS);
      return new DispatchSocket(socket, received, closed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + url, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause() instanceof ConnectException
          ? "cannot connect to " + url + " (connection refused): is the cloud running? Give its WebSocket with "
              + "--url or DISPATCH_URL"
          : "cannot open the WebSocket " + url, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot open the WebSocket " + url + ": no answer within 10 s", e);
    }
  }

  /** Opens the socket and authenticates with an in-band {@code auth} message. */
  public static DispatchSocket connect(URI url, String token) {
    return connect(HttpClient.newHttpClient(), url, token);
  }

  /** Opens the socket through {@code http} and authenticates with an in-band {@code auth} message. */
  public static DispatchSocket connect(HttpClient http, URI url, String token) {
    DispatchSocket socket = open(http, url);
    socket.authenticate(token);
    return socket;
  }

  /** Sends {@code {"type":"auth","token":...}} and waits for the server's {@code auth_ok}. */
  public JsonNode authenticate(String token) {
    ObjectNode auth = Json.mapper().createObjectNode().put("type", "auth").put("token", token);
    send(auth.toString());
    JsonNode answer = next(Duration.ofSeconds(10));
    if (!"auth_ok".equals(answer.path("type").asText())) {
      throw new IllegalStateException("authentication refused: " + answer.path("error").path("message").asText(answer.toString()));
    }
    return answer;
  }

  public void send(String text) {
    socket.sendText(text, true).join();
  }

  /**
   * The next pushed message, waiting at most {@code timeout}; fails at once when the server closed
   * the socket and nothing more is queued.
   */
  public JsonNode next(Duration timeout) {
    return poll(m -> true, timeout).orElseThrow(() -> new IllegalStateException("nothing received within " + timeout));
  }

  /** Skips messages until one matches, waiting at most {@code timeout} in all. */
  public JsonNode nextMatching(Predicate<JsonNode> wanted, Duration timeout) {
    return poll(wanted, timeout).orElseThrow(() -> new IllegalStateException("no matching message within " + timeout));
  }

  /**
   * The next message that matches, skipping the others, or empty when none came within
   * {@code timeout}; fails at once when the server closed the socket and nothing more is queued.
   */
  public Optional<JsonNode> poll(Predicate<JsonNode> wanted, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        JsonNode message = received.poll(Math.min(CLOSE_CHECK.toNanos(), Math.max(0, deadline - System.nanoTime())),
            TimeUnit.NANOSECONDS);
        if (message != null && wanted.test(message)) {
          return Optional.of(message);
        }
        if (message == null && closed.isDone() && received.isEmpty()) {
          throw new IllegalStateException("the server closed the socket: " + closed.getNow(""));
        }
        if (System.nanoTime() >= deadline) {
          return Optional.empty();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the server", e);
    }
  }

  /** The close reason the server gave, once it closed the socket. */
  public CompletableFuture<String> closed() {
    return closed;
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(ignored -> null);
    }
    socket.abort();
  }

  private static final class Listener implements WebSocket.Listener {
    private final BlockingQueue<JsonNode> received;
    private final CompletableFuture<String> closed;
    private final StringBuilder partial = new StringBuilder();

    Listener(BlockingQueue<JsonNode> received, CompletableFuture<String> closed) {
      this.received = received;
      this.closed = closed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          received.add(Json.mapper().readTree(partial.toString()));
        } catch (IOException e) {
          throw new UncheckedIOException("the server sent something that is not JSON", e);
        } finally {
          partial.setLength(0);
        }
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
      closed.complete("error: " + error.getMessage());
    }
  }
}
