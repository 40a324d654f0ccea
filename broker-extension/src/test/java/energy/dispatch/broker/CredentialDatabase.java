package energy.dispatch.broker;

import energy.dispatch.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh PostgreSQL database with the cloud-api's V1 schema, applied with plain JDBC. */
public final class CredentialDatabase {

  private static final Path V1_MIGRATION =
      Path.of("..", "cloud-api", "src", "main", "resources", "db", "migration", "V1__commands_edges_grants.sql");

  private final TestPostgres.Database database;

  private CredentialDatabase(TestPostgres.Database database) {
    this.database = database;
  }

  public static CredentialDatabase fresh() throws IOException, SQLException {
    CredentialDatabase db = new CredentialDatabase(TestPostgres.freshDatabase());
    db.execute(Files.readString(V1_MIGRATION));
    return db;
  }

  public String jdbcUrl() {
    return database.jdbcUrl();
  }

  public String user() {
    return database.user();
  }

  public String password() {
    return database.password();
  }

  public void execute(String sql) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  public void update(String sql, String... parameters) throws SQLException {
    try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      statement.executeUpdate();
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
  }
}
