package energy.dispatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import redis.embedded.RedisServer;

/**
 * Redis for tests: the server named by {@code REDIS_URL} when set, else one embedded server per
 * JVM. Tests share the server and keep apart by a key prefix of their own ({@link #freshPrefix()}).
 * A test that must kill or wipe Redis starts its own with {@link #startPrivate(int)}.
 */
public final class TestRedis {

  private static String url;

  private TestRedis() {}

  /** A {@code redis://host:port} URL. */
  public static synchronized String url() {
    if (url == null) {
      String fromEnv = System.getenv("REDIS_URL");
      url = fromEnv == null || fromEnv.isBlank() ? startEmbedded() : fromEnv;
    }
    return url;
  }

  /** A key prefix no other test uses, ending in a colon. */
  public static String freshPrefix() {
    return "dispatch-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** Starts a Redis server that only the caller uses, on the given port; the caller stops it. */
  public static RedisServer startPrivate(int port) {
    try {
      RedisServer server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a private Redis on port " + port, e);
    }
  }

  private static String startEmbedded() {
    int port = FreePorts.next();
    RedisServer server = startPrivate(port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(server)));
    return "redis://127.0.0.1:" + port;
  }

  private static void stopQuietly(RedisServer server) {
    try {
      server.stop();
    } catch (IOException ignored) {
      // the JVM is exiting
    }
  }
}
