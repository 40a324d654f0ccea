package energy.dispatch.broker.embedded;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import energy.dispatch.broker.BrokerStatus;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health} of a broker process: {@code 200 {"status":"up"}} while its extension runs, else
 * {@code 503 {"status":"down","reason":"..."}}. It starts before the broker and outlives a failed start, so
 * that a broker which admits no client because its extension could not start still says why. Plain HTTP on
 * loopback by default. Thread-safe; {@link #close()} is idempotent.
 */
public final class BrokerHealthEndpoint implements AutoCloseable {

  public static final String PATH = "/health";
  /** The environment setting of the port; 0 takes any free port. */
  public static final String PORT_SETTING = "DISPATCH_BROKER_HEALTH_PORT";
  /** The environment setting of the address the endpoint binds. */
  public static final String HOST_SETTING = "DISPATCH_BROKER_HEALTH_HOST";
  public static final int DEFAULT_PORT = 8081;

  private static final Logger LOG = LoggerFactory.getLogger(BrokerHealthEndpoint.class);

  private final HttpServer server;
  private final BrokerStatus status;
  private boolean closed;

  private BrokerHealthEndpoint(HttpServer server, BrokerStatus status) {
    this.server = server;
    this.status = status;
  }

  /** Listens on {@code host:port} (port 0: any free port) and answers from {@code status}. */
  public static BrokerHealthEndpoint start(String host, int port, BrokerStatus status) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
      BrokerHealthEndpoint endpoint = new BrokerHealthEndpoint(server, status);
      server.createContext(PATH, endpoint::answer);
      server.start();
      LOG.info("Broker health endpoint listening url={}", endpoint.uri());
      return endpoint;
    } catch (IOException e) {
      throw new BrokerStartException("cannot serve the broker's health on " + host + ":" + port + " (" + PORT_SETTING
          + ", " + HOST_SETTING + "): " + e.getMessage(), e);
    }
  }

  /** As {@link #start}, where {@value #HOST_SETTING} and {@value #PORT_SETTING} of {@code env} say. */
  public static BrokerHealthEndpoint start(Map<String, String> env, BrokerStatus status) {
    String host = env.getOrDefault(HOST_SETTING, BrokerSettings.DEFAULT_BIND_HOST).trim();
    String port = env.getOrDefault(PORT_SETTING, Integer.toString(DEFAULT_PORT)).trim();
    try {
      int parsed = Integer.parseInt(port);
      if (parsed >= 0 && parsed <= 65_535) {
        return start(host, parsed, status);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(PORT_SETTING + " must be 0 (any free port) or 1-65535, was '" + port + "'");
  }

  public URI uri() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort() + PATH);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.stop(0);
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().add("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      // One reading for body and code, so that a change during the request cannot answer 200 "down".
      boolean up = status.ok();
      ObjectNode body = Json.mapper().createObjectNode().put("status", up ? "up" : "down");
      status.failureReason().ifPresent(reason -> body.put("reason", reason));
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(up ? 200 : 503, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
