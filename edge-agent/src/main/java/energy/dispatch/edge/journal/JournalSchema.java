package energy.dispatch.edge.journal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The journal's tables and the durability settings every connection needs. */
final class JournalSchema {

  private static final String[] STATEMENTS = {
    // WAL with synchronous=FULL: a commit survives power loss, and readers never block the writer.
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=5000",
    "CREATE TABLE IF NOT EXISTS commands ("
        + " seq INTEGER PRIMARY KEY AUTOINCREMENT, command_id TEXT NOT NULL UNIQUE, payload TEXT NOT NULL,"
        + " received_at TEXT NOT NULL, intent_value REAL, intent_at TEXT, result TEXT, finished_at TEXT)",
    "CREATE INDEX IF NOT EXISTS commands_finished ON commands (finished_at)",
    "CREATE TABLE IF NOT EXISTS acks ("
        + " seq INTEGER PRIMARY KEY AUTOINCREMENT, command_id TEXT NOT NULL, payload TEXT NOT NULL,"
        + " sent INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS acks_unsent ON acks (sent, seq)",
    "CREATE TABLE IF NOT EXISTS events ("
        + " seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL,"
        + " raised_at TEXT NOT NULL, sent INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_unsent ON events (sent, seq)",
    "CREATE TABLE IF NOT EXISTS holds ("
        + " channel_key TEXT PRIMARY KEY, command_id TEXT NOT NULL, value REAL NOT NULL, until TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS overrides ("
        + " controller TEXT NOT NULL, parameter TEXT NOT NULL, value TEXT NOT NULL, command_id TEXT NOT NULL,"
        + " until TEXT NOT NULL, PRIMARY KEY (controller, parameter))",
    "CREATE TABLE IF NOT EXISTS controller_settings ("
        + " controller TEXT PRIMARY KEY, mode TEXT, enabled INTEGER)",
  };

  private JournalSchema() {}

  static void apply(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : STATEMENTS) {
        statement.execute(sql);
      }
    }
  }
}
