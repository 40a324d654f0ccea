package energy.dispatch.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * PostgreSQL and Redis for the quick start: the servers named by {@code DATABASE_URL} and
 * {@code REDIS_URL} when set, else real servers started from Maven artifacts (zonky's embedded
 * PostgreSQL, codemonstur's embedded Redis) whose data lives under the given folder.
 */
final class Infrastructure implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Infrastructure.class);

  private final String databaseUrl;
  private final String redisUrl;
  private final EmbeddedPostgres postgres;
  private final RedisServer redis;

  private Infrastructure(String databaseUrl, String redisUrl, EmbeddedPostgres postgres, RedisServer redis) {
    this.databaseUrl = databaseUrl;
    this.redisUrl = redisUrl;
    this.postgres = postgres;
    this.redis = redis;
  }

  static Infrastructure start(Map<String, String> env, Path dataFolder) {
    EmbeddedPostgres postgres = null;
    String databaseUrl = env.get("DATABASE_URL");
    if (databaseUrl == null || databaseUrl.isBlank()) {
      postgres = startPostgres(dataFolder.resolve("postgres"));
      databaseUrl = "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
    } else {
      LOG.info("Using PostgreSQL from DATABASE_URL");
    }
    RedisServer redis = null;
    String redisUrl = env.get("REDIS_URL");
    if (redisUrl == null || redisUrl.isBlank()) {
      int port = Ports.anyFree();
      redis = startRedis(port);
      redisUrl = "redis://127.0.0.1:" + port;
    } else {
      LOG.info("Using Redis from REDIS_URL");
    }
    return new Infrastructure(databaseUrl, redisUrl, postgres, redis);
  }

  String databaseUrl() {
    return databaseUrl;
  }

  String redisUrl() {
    return redisUrl;
  }

  private static EmbeddedPostgres startPostgres(Path dataDirectory) {
    try {
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(false)
          .start();
      LOG.info("Started embedded PostgreSQL port={} data={}", postgres.getPort(), dataDirectory);
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory
          + "; set DATABASE_URL to use an external server instead", e);
    }
  }

  private static RedisServer startRedis(int port) {
    try {
      RedisServer server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
      LOG.info("Started embedded Redis port={}", port);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded Redis on port " + port
          + "; set REDIS_URL to use an external server instead", e);
    }
  }

  @Override
  public void close() {
    try {
      if (redis != null) {
        redis.stop();
      }
      if (postgres != null) {
        postgres.close();
      }
    } catch (IOException e) {
      LOG.warn("Embedded servers did not stop cleanly; their processes may need killing", e);
    }
  }
}
