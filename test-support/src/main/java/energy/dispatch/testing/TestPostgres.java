package energy.dispatch.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * PostgreSQL for tests: the server named by {@code DATABASE_URL} when set (CI starts one), else
 * one embedded server per JVM. Every call to {@link #freshDatabase()} creates an empty database,
 * so tests never see each other's rows.
 */
public final class TestPostgres {

  private static ServerAddress server;

  private TestPostgres() {}

  /** A JDBC URL, user and password for a database nobody else uses. */
  public static synchronized Database freshDatabase() {
    ServerAddress address = server();
    String name = "dispatch_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection admin = DriverManager.getConnection(address.jdbcUrl("postgres"), address.user, address.password);
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + address.host + ":" + address.port, e);
    }
    return new Database(address.jdbcUrl(name), address.user, address.password);
  }

  /** Connection settings of one test database. */
  public record Database(String jdbcUrl, String user, String password) {}

  private static ServerAddress server() {
    if (server == null) {
      String url = System.getenv("DATABASE_URL");
      server = url == null || url.isBlank() ? embedded() : ServerAddress.parse(url);
    }
    return server;
  }

  private static ServerAddress embedded() {
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
      return new ServerAddress("127.0.0.1", postgres.getPort(), "postgres", "postgres");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException ignored) {
      // the JVM is exiting; the data directory is temporary
    }
  }

  private record ServerAddress(String host, int port, String user, String password) {
    String jdbcUrl(String database) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Reads {@code postgresql://user:pass@host:port/db} or {@code jdbc:postgresql://host:port/db?user=..}. */
    static ServerAddress parse(String url) {
      URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
      String user = "postgres";
      String password = "";
      if (uri.getUserInfo() != null) {
        String[] parts = uri.getUserInfo().split(":", 2);
        user = parts[0];
        password = parts.length > 1 ? parts[1] : "";
      }
      return new ServerAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password);
    }
  }
}
