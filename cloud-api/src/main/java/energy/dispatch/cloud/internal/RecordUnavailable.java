package energy.dispatch.cloud.internal;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * Tells a write that failed because the record (PostgreSQL) could not take it just now from one
 * that would fail however often it is tried. Only the first is worth trying again.
 */
public final class RecordUnavailable {

  /**
   * SQLSTATE classes of a database that is away, restarting or overloaded: connection exception,
   * insufficient resources, operator intervention (shutdown, starting up), transaction rollback.
   */
  private static final List<String> PASSING_STATES = List.of("08", "53", "57", "40");

  private RecordUnavailable() {}

  /** Whether {@code error}, or one of its causes, says the record was unavailable, not the write wrong. */
  public static boolean causedBy(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException
          || cause instanceof SQLNonTransientConnectionException || cause instanceof RejectedExecutionException) {
        return true;
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null
          && PASSING_STATES.contains(sql.getSQLState().substring(0, Math.min(2, sql.getSQLState().length())))) {
        return true;
      }
    }
    return false;
  }
}
