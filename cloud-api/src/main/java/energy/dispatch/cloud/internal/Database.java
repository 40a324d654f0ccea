package energy.dispatch.cloud.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.schema.JdbcUrls;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL record: a connection pool, the Flyway migrations run at start, and Jdbi over
 * them. Thread-safe.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
  }

  /**
   * Connects and migrates.
   *
   * @throws StartupException when PostgreSQL cannot be reached or a migration fails
   */
  public static Database connectAndMigrate(CloudSettings settings) {
    HikariDataSource dataSource = connect(settings);
    try {
      int applied = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load()
          .migrate().migrationsExecuted;
      LOG.info("Database schema migrated url={} migrationsApplied={}", JdbcUrls.redacted(settings.jdbcUrl()),
          applied);
      return new Database(dataSource);
    } catch (FlywayException e) {
      dataSource.close();
      throw new StartupException("cannot migrate the database at " + JdbcUrls.redacted(settings.jdbcUrl())
          + "; check that the user may create tables and that no migration was edited", e);
    }
  }

  private static HikariDataSource connect(CloudSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.databaseUser());
    config.setPassword(settings.databasePassword());
    config.setPoolName("dispatch-db");
    config.setMaximumPoolSize(16);
    config.setConnectionTimeout(5_000);
    config.setInitializationFailTimeout(5_000);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StartupException("cannot reach PostgreSQL at " + JdbcUrls.redacted(settings.jdbcUrl())
          + " (DATABASE_URL); start it or point DATABASE_URL at a running server", e);
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** Whether a trivial query answers now. */
  public boolean isHealthy() {
    try {
      return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
