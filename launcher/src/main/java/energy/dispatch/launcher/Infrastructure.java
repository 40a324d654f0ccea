package energy.dispatch.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private final FileChannel folderLock;

  private Infrastructure(String databaseUrl, String redisUrl, EmbeddedPostgres postgres, RedisServer redis,
      FileChannel folderLock) {
    this.databaseUrl = databaseUrl;
    this.redisUrl = redisUrl;
    this.postgres = postgres;
    this.redis = redis;
    this.folderLock = folderLock;
  }

  /**
   * Starts what the environment does not name, under {@code dataFolder}, which it holds locked until
   * {@link #close()}: a second demo on the same folder is refused before it touches anything.
   */
  static Infrastructure start(Map<String, String> env, Path dataFolder) {
    FileChannel folderLock = lock(dataFolder);
    try {
      return start(env, dataFolder, folderLock);
    } catch (RuntimeException | Error e) {
      closeQuietly(folderLock);
      throw e;
    }
  }

  private static FileChannel lock(Path dataFolder) {
    Path lockFile = dataFolder.resolve("demo.lock");
    try {
      Files.createDirectories(dataFolder);
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (!tryLock(channel)) {
        channel.close();
        throw new IllegalStateException("another demo is running on the data folder " + dataFolder + " (it holds "
            + lockFile + "); stop it first, or give this one a folder of its own with --data");
      }
      return channel;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create or lock the data folder " + dataFolder, e);
    }
  }

  /** False when another process holds the lock, or this one does already. */
  private static boolean tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock() != null;
    } catch (OverlappingFileLockException heldHere) {
      return false;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("Could not release the data folder's lock; it is released when this process ends", e);
    }
  }

  private static Infrastructure start(Map<String, String> env, Path dataFolder, FileChannel folderLock) {
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
      Path pidFile = dataFolder.resolve("redis.pid");
      stopOrphan(readPid(pidFile), "redis");
      int port = Ports.anyFree();
      redis = startRedis(port);
      rememberChild("redis", pidFile);
      redisUrl = "redis://127.0.0.1:" + port;
    } else {
      LOG.info("Using Redis from REDIS_URL");
    }
    return new Infrastructure(databaseUrl, redisUrl, postgres, redis, folderLock);
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
      stopOrphan(readPid(dataDirectory.resolve("postmaster.pid")), "postgres");
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(false)
          // The demo stops it itself, after the parts that use it.
          .setRegisterShutdownHook(false)
          // The embedded server's defaults trade durability for speed; the record must survive a crash.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
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

  /**
   * Stops a server a killed demo left running (its parent died with SIGKILL, so nobody stopped it),
   * when the pid still names a process of that kind.
   */
  private static void stopOrphan(long pid, String kind) {
    if (pid <= 0) {
      return;
    }
    ProcessHandle.of(pid)
        .filter(process -> process.info().command().map(command -> command.contains(kind)).orElse(false))
        .ifPresent(orphan -> {
          LOG.warn("Stopping a {} left running by an earlier demo that was killed pid={}", kind, pid);
          orphan.destroy();
          try {
            orphan.onExit().get(15, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (ExecutionException | TimeoutException e) {
            orphan.destroyForcibly();
          }
        });
  }

  private static long readPid(Path pidFile) {
    try {
      return Files.exists(pidFile) ? Long.parseLong(Files.readAllLines(pidFile).get(0).trim()) : -1;
    } catch (IOException | RuntimeException unreadable) {
      return -1;
    }
  }

  private static void rememberChild(String kind, Path pidFile) {
    ProcessHandle.current().children()
        .filter(child -> child.info().command().map(command -> command.contains(kind)).orElse(false))
        .findFirst()
        .ifPresent(child -> {
          try {
            Files.writeString(pidFile, Long.toString(child.pid()));
          } catch (IOException e) {
            LOG.warn("Could not write {}; a killed demo may leave this {} running", pidFile, kind, e);
          }
        });
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
    } finally {
      closeQuietly(folderLock);
    }
  }
}
