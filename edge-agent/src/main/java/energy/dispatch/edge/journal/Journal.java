package energy.dispatch.edge.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's durable memory in SQLite (WAL, synchronous=FULL): every command received, the
 * intent before each device write and the result after, acks and state events waiting to be sent,
 * holds, overrides and controller settings. Every method commits before it returns. One agent per file, enforced
 * by an OS lock. Thread-safe: calls are serialised on one connection.
 */
public final class Journal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  private final Path path;
  private final JournalLock lock;
  private final Connection connection;

  private Journal(Path path, JournalLock lock, Connection connection) {
    this.path = path;
    this.lock = lock;
    this.connection = connection;
  }

  /**
   * Opens (creating if needed) the journal at {@code path}.
   *
   * @throws JournalException when another agent holds it, or it cannot be opened
   */
  public static Journal open(Path path) {
    createParent(path);
    JournalLock lock = JournalLock.acquire(path);
    try {
      Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path);
      JournalSchema.apply(connection);
      LOG.info("Journal open path={}", path);
      return new Journal(path, lock, connection);
    } catch (SQLException e) {
      lock.close();
      throw new JournalException("cannot open the journal " + path + ": " + e.getMessage(), e);
    }
  }

  private static void createParent(Path path) {
    Path parent = path.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (java.io.IOException e) {
      throw new JournalException("cannot create the journal directory " + parent, e);
    }
  }

  public Path path() {
    return path;
  }

  /** What is known about a command, if it was ever received. */
  public synchronized Optional<JournalEntry> find(String commandId) {
    return query("SELECT seq, command_id, payload, result, intent_value, intent_at FROM commands WHERE command_id = ?",
        ps -> ps.setString(1, commandId), Journal::entry).stream().findFirst();
  }

  /** Commands received but without a result, in the order they arrived: the queue and interrupted writes. */
  public synchronized List<JournalEntry> unfinished() {
    return query("SELECT seq, command_id, payload, result, intent_value, intent_at FROM commands"
        + " WHERE result IS NULL ORDER BY seq", ps -> {}, Journal::entry);
  }

  /** A command journaled for execution: its place in arrival order and its {@code delivered} ack. */
  public record Received(long commandSeq, PendingAck ack) {}

  /** Journals a command accepted for execution together with its {@code delivered} ack. */
  public synchronized Received recordReceived(String commandId, String payload, Instant at, Ack delivered) {
    return inTransaction(tx -> new Received(tx.insertCommand(commandId, payload, at, null), tx.insertAck(delivered)));
  }

  /** Journals a command answered at once (rejected, expired, refused by a full queue) with its result. */
  public synchronized PendingAck recordAnswered(String commandId, String payload, Instant at, Ack result) {
    return inTransaction(tx -> {
      tx.insertCommand(commandId, payload, at, result);
      return tx.insertAck(result);
    });
  }

  /** Journals that a device write of {@code value} is about to start; must commit before the write. */
  public synchronized void recordIntent(String commandId, double value, Instant at) {
    inTransaction(tx -> {
      tx.update("UPDATE commands SET intent_value = ?, intent_at = ? WHERE command_id = ?", ps -> {
        ps.setDouble(1, value);
        ps.setString(2, at.toString());
        ps.setString(3, commandId);
      });
      return null;
    });
  }

  /** Journals that a command is about to act (no device value, e.g. a restart). */
  public synchronized void recordIntent(String commandId, Instant at) {
    inTransaction(tx -> {
      tx.update("UPDATE commands SET intent_at = ? WHERE command_id = ?", ps -> {
        ps.setString(1, at.toString());
        ps.setString(2, commandId);
      });
      return null;
    });
  }

  /**
   * Journals a command's result and its ack, and in the same transaction whatever state the
   * result changes ({@code alongside}: holds, overrides, controller settings).
   */
  public synchronized PendingAck recordResult(String commandId, Ack result, Instant at, Consumer<Changes> alongside) {
    return inTransaction(tx -> {
      alongside.accept(tx);
      return tx.finish(commandId, result, at);
    });
  }

  /** Journals an ack to (re)send, e.g. the recorded result for a redelivered command. */
  public synchronized PendingAck recordAck(Ack ack) {
    return inTransaction(tx -> tx.insertAck(ack));
  }

  /** Applies state changes that belong to no command (a hold ending, an override reverting). */
  public synchronized void update(Consumer<Changes> changes) {
    inTransaction(tx -> {
      changes.accept(tx);
      return null;
    });
  }

  /** Acks not yet confirmed by the broker, oldest first. */
  public synchronized List<PendingAck> unsentAcks() {
    return query("SELECT seq, command_id, payload FROM acks WHERE sent = 0 ORDER BY seq", ps -> {},
        rs -> new PendingAck(rs.getLong(1), rs.getString(2), rs.getString(3)));
  }

  /** The broker confirmed (PUBACK) the ack. */
  public synchronized void markAckSent(long seq) {
    inTransaction(tx -> {
      tx.update("UPDATE acks SET sent = 1 WHERE seq = ?", ps -> ps.setLong(1, seq));
      return null;
    });
  }

  /**
   * Journals state events for sending together with the state change they report ({@code alongside}:
   * a hold removed, an override reverted), in one transaction: a crash keeps both or neither.
   */
  public synchronized List<PendingEvent> recordEvents(List<NewEvent> events, Consumer<Changes> alongside) {
    return inTransaction(tx -> {
      alongside.accept(tx);
      return events.stream().map(event -> tx.insertEvent(event.type(), event.payload(), event.raisedAt())).toList();
    });
  }

  /** State events not yet confirmed by the broker, oldest first. */
  public synchronized List<PendingEvent> unsentEvents() {
    return query("SELECT seq, type, payload FROM events WHERE sent = 0 ORDER BY seq", ps -> {},
        rs -> new PendingEvent(rs.getLong(1), rs.getString(2), rs.getString(3)));
  }

  /** The broker confirmed (PUBACK) the state event. */
  public synchronized void markEventSent(long seq) {
    inTransaction(tx -> {
      tx.update("UPDATE events SET sent = 1 WHERE seq = ?", ps -> ps.setLong(1, seq));
      return null;
    });
  }

  public synchronized List<Hold> holds() {
    return query("SELECT channel_key, command_id, value, until FROM holds ORDER BY channel_key", ps -> {},
        rs -> new Hold(rs.getString(1), rs.getString(2), rs.getDouble(3), Instant.parse(rs.getString(4))));
  }

  public synchronized List<ParameterOverride> overrides() {
    return query("SELECT controller, parameter, value, command_id, until FROM overrides ORDER BY controller, parameter",
        ps -> {}, rs -> new ParameterOverride(rs.getString(1), rs.getString(2), parse(rs.getString(3)),
            rs.getString(4), Instant.parse(rs.getString(5))));
  }

  public synchronized List<ControllerSetting> controllerSettings() {
    return query("SELECT controller, mode, enabled FROM controller_settings ORDER BY controller", ps -> {},
        rs -> new ControllerSetting(rs.getString(1), Optional.ofNullable(rs.getString(2)),
            Optional.ofNullable((Integer) rs.getObject(3)).map(enabled -> enabled != 0)));
  }

  /**
   * Forgets commands finished before {@code cutoff}, their acks and the state events raised before
   * it, where sent. The cutoff must lie further back than the longest command expiry, so that a
   * redelivery is always recognised.
   */
  public synchronized int purgeFinishedBefore(Instant cutoff) {
    return inTransaction(tx -> {
      tx.update("DELETE FROM events WHERE sent = 1 AND raised_at < ?", ps -> ps.setString(1, cutoff.toString()));
      tx.update("DELETE FROM acks WHERE sent = 1 AND command_id IN"
          + " (SELECT command_id FROM commands WHERE finished_at < ?)", ps -> ps.setString(1, cutoff.toString()));
      return tx.update("DELETE FROM commands WHERE finished_at < ?", ps -> ps.setString(1, cutoff.toString()));
    });
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("Journal close failed path={}; SQLite recovers from its WAL at the next open", path, e);
    } finally {
      lock.close();
    }
  }

  /** State changes committed together with a result, or alone. */
  public final class Changes {

    private Changes() {}

    /** A command's result and its ack, inside a transaction that commits more, e.g. the events it raises. */
    public PendingAck finish(String commandId, Ack result, Instant at) {
      update("UPDATE commands SET result = ?, finished_at = ? WHERE command_id = ?", ps -> {
        ps.setString(1, json(result));
        ps.setString(2, at.toString());
        ps.setString(3, commandId);
      });
      return insertAck(result);
    }

    public void putHold(Hold hold) {
      update("INSERT OR REPLACE INTO holds (channel_key, command_id, value, until) VALUES (?, ?, ?, ?)", ps -> {
        ps.setString(1, hold.channelKey());
        ps.setString(2, hold.commandId());
        ps.setDouble(3, hold.value());
        ps.setString(4, hold.until().toString());
      });
    }

    public void removeHold(String channelKey) {
      update("DELETE FROM holds WHERE channel_key = ?", ps -> ps.setString(1, channelKey));
    }

    public void putOverride(ParameterOverride override) {
      update("INSERT OR REPLACE INTO overrides (controller, parameter, value, command_id, until)"
          + " VALUES (?, ?, ?, ?, ?)", ps -> {
            ps.setString(1, override.controller());
            ps.setString(2, override.parameter());
            ps.setString(3, override.value().toString());
            ps.setString(4, override.commandId());
            ps.setString(5, override.until().toString());
          });
    }

    public void removeOverride(String controller, String parameter) {
      update("DELETE FROM overrides WHERE controller = ? AND parameter = ?", ps -> {
        ps.setString(1, controller);
        ps.setString(2, parameter);
      });
    }

    public void putControllerSetting(ControllerSetting setting) {
      update("INSERT OR REPLACE INTO controller_settings (controller, mode, enabled) VALUES (?, ?, ?)", ps -> {
        ps.setString(1, setting.controller());
        ps.setString(2, setting.mode().orElse(null));
        ps.setObject(3, setting.enabled().map(enabled -> enabled ? 1 : 0).orElse(null));
      });
    }

    /** A new capability config is the new baseline: modes and run list start from it again. */
    public void clearControllerSettings() {
      update("DELETE FROM controller_settings", ps -> {});
      update("DELETE FROM overrides", ps -> {});
    }

    long insertCommand(String commandId, String payload, Instant at, Ack result) {
      return insert("INSERT INTO commands (command_id, payload, received_at, result, finished_at) VALUES (?, ?, ?, ?, ?)",
          ps -> {
            ps.setString(1, commandId);
            ps.setString(2, payload);
            ps.setString(3, at.toString());
            ps.setString(4, result == null ? null : json(result));
            ps.setString(5, result == null ? null : at.toString());
          }, "commandId=" + commandId);
    }

    PendingAck insertAck(Ack ack) {
      String payload = json(ack);
      long seq = insert("INSERT INTO acks (command_id, payload, sent) VALUES (?, ?, 0)", ps -> {
        ps.setString(1, ack.commandId());
        ps.setString(2, payload);
      }, "the ack of commandId=" + ack.commandId());
      return new PendingAck(seq, ack.commandId(), payload);
    }

    PendingEvent insertEvent(String type, String payload, Instant at) {
      long seq = insert("INSERT INTO events (type, payload, raised_at, sent) VALUES (?, ?, ?, 0)", ps -> {
        ps.setString(1, type);
        ps.setString(2, payload);
        ps.setString(3, at.toString());
      }, "the event " + type);
      return new PendingEvent(seq, type, payload);
    }

    /** Inserts one row and returns its generated sequence. */
    private long insert(String sql, Binder binder, String what) {
      try (PreparedStatement ps = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
        binder.bind(ps);
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          return keys.getLong(1);
        }
      } catch (SQLException e) {
        throw new JournalException("cannot journal " + what + ": " + e.getMessage(), e);
      }
    }

    int update(String sql, Binder binder) {
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        binder.bind(ps);
        return ps.executeUpdate();
      } catch (SQLException e) {
        throw new JournalException("journal write failed (" + sql + "): " + e.getMessage(), e);
      }
    }
  }

  private <T> T inTransaction(TransactionBody<T> body) {
    try {
      connection.setAutoCommit(false);
      try {
        T result = body.run(new Changes());
        connection.commit();
        return result;
      } catch (RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new JournalException("journal commit failed at " + path + ": " + e.getMessage(), e);
    }
  }

  private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
        return rows;
      }
    } catch (SQLException e) {
      throw new JournalException("journal read failed (" + sql + "): " + e.getMessage(), e);
    }
  }

  private static JournalEntry entry(ResultSet rs) throws SQLException {
    String result = rs.getString(4);
    double intentValue = rs.getDouble(5);
    OptionalDouble intent = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(intentValue);
    return new JournalEntry(rs.getLong(1), rs.getString(2), rs.getString(3),
        Optional.ofNullable(result).map(Journal::parseAck), intent, rs.getString(6) != null);
  }

  private static String json(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new JournalException("cannot serialise " + value, e);
    }
  }

  private static JsonNode parse(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new JournalException("journal holds invalid JSON: " + text, e);
    }
  }

  private static Ack parseAck(String text) {
    try {
      return Json.mapper().readValue(text, Ack.class);
    } catch (JsonProcessingException e) {
      throw new JournalException("journal holds an invalid ack: " + text, e);
    }
  }

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  private interface TransactionBody<T> {
    T run(Changes changes);
  }
}
