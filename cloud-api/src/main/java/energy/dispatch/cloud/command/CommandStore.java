package energy.dispatch.cloud.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Reads and writes of the record of commands ({@code commands}, {@code command_events}). Writes
 * take the {@link Handle} of the caller's transaction (the group commit writer's, usually) and
 * write the audit event in the same transaction as the state. Timer claims run in their own
 * transaction on the database's clock. Thread-safe.
 */
public final class CommandStore {

  private static final String COLUMNS = """
      command_id, principal, fingerprint, status, submit_seq, accepted_at, expires_at, sent_at, delivered_at,
      finished_at, payload::text AS payload, result::text AS result, late_result::text AS late_result""";

  private final Jdbi jdbi;

  public CommandStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A command a timer moved, with what fan-out needs. */
  public record Moved(String commandId, String edgeId, String principal, CommandStatus status, JsonNode result) {}

  public Optional<CommandRecord> find(String commandId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM commands WHERE command_id = :id")
        .bind("id", commandId).map(CommandStore::mapRecord).findOne());
  }

  public List<CommandEvent> history(String commandId) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT at, status, principal, reason, detail::text FROM command_events
            WHERE command_id = :id ORDER BY at, event_seq""")
        .bind("id", commandId)
        .map((rs, ctx) -> new CommandEvent(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
            rs.getString(4), json(rs.getString(5))))
        .list());
  }

  /** The principal's commands that have not reached a terminal state, oldest first. */
  public List<CommandRecord> openOf(String principal) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + """
             FROM commands WHERE principal = :principal AND status IN ('accepted', 'queued', 'sent', 'delivered')
            ORDER BY submit_seq LIMIT 1000""")
        .bind("principal", principal).map(CommandStore::mapRecord).list());
  }

  /** Commands of one edge in one state, in submission order. */
  public List<CommandRecord> ofEdgeWithStatus(String edgeId, CommandStatus status) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS
            + " FROM commands WHERE edge_id = :edgeId AND status = :status ORDER BY submit_seq")
        .bind("edgeId", edgeId).bind("status", status.wire()).map(CommandStore::mapRecord).list());
  }

  /** Every command in one state, for rebuilding Redis. */
  public List<CommandRecord> withStatus(CommandStatus status) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM commands WHERE status = :status ORDER BY submit_seq")
        .bind("status", status.wire()).map(CommandStore::mapRecord).list());
  }

  /** The newest commands matching the filters (each optional), newest first. */
  public List<CommandRecord> search(String edgeId, CommandStatus status, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + """
             FROM commands WHERE (CAST(:edgeId AS text) IS NULL OR edge_id = :edgeId)
            AND (CAST(:status AS text) IS NULL OR status = :status) ORDER BY submit_seq DESC LIMIT :limit""")
        .bind("edgeId", edgeId).bind("status", status == null ? null : status.wire()).bind("limit", limit)
        .map(CommandStore::mapRecord).list());
  }

  /**
   * Commands on the same channel submitted before {@code submitSeq} that have not left the cloud
   * ({@code accepted} ones included: their move to {@code queued} may not have committed yet).
   */
  public List<String> waitingOnChannelBefore(String edgeId, String channelKey, long submitSeq) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT command_id FROM commands WHERE edge_id = :edgeId AND channel_key = :channelKey
            AND status IN ('accepted', 'queued') AND submit_seq < :seq ORDER BY submit_seq""")
        .bind("edgeId", edgeId).bind("channelKey", channelKey).bind("seq", submitSeq).mapTo(String.class).list());
  }

  /** Commands accepted but neither queued nor sent for longer than {@code age} (a node died in between). */
  public List<CommandRecord> stuckAccepted(Duration age) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + """
             FROM commands WHERE status = 'accepted' AND accepted_at < now() - make_interval(secs => :age)
            ORDER BY submit_seq LIMIT 1000""")
        .bind("age", age.toMillis() / 1000.0).map(CommandStore::mapRecord).list());
  }

  /**
   * Inserts an accepted command and its {@code accepted} event in one statement; empty when the id
   * exists already.
   */
  public static Optional<Long> insertAccepted(Handle handle, CommandRecord record) {
    Command command = record.command();
    return handle.createQuery("""
            WITH inserted AS (
              INSERT INTO commands (command_id, edge_id, principal, command_type, priority, channel_key, payload,
                                    fingerprint, status, accepted_at, expires_at)
              VALUES (:id, :edgeId, :principal, :type, :priority, :channelKey, CAST(:payload AS jsonb), :fingerprint,
                      'accepted', :acceptedAt, :expiresAt)
              ON CONFLICT (command_id) DO NOTHING RETURNING command_id, submit_seq),
            audit AS (
              INSERT INTO command_events (command_id, at, status, principal, reason)
              SELECT command_id, :acceptedAt, 'accepted', :principal, 'checks_passed' FROM inserted)
            SELECT submit_seq FROM inserted""")
        .bind("id", command.commandId()).bind("edgeId", command.edgeId()).bind("principal", record.principal())
        .bind("type", command.commandType().wire()).bind("priority", command.priority().wire())
        .bind("channelKey", command.target().channelKey()).bind("payload", toJson(command))
        .bind("fingerprint", record.fingerprint())
        .bind("acceptedAt", record.acceptedAt().atOffset(ZoneOffset.UTC))
        .bind("expiresAt", record.expiresAt().atOffset(ZoneOffset.UTC))
        .mapTo(Long.class).findOne();
  }

  /** Applies a guarded transition and its audit event; false when the command was not in a predecessor state. */
  public static boolean apply(Handle handle, Transition transition) {
    boolean terminal = transition.to().isTerminal();
    return handle.createQuery("""
            WITH moved AS (
              UPDATE commands SET status = :to,
                sent_at = CASE WHEN :to = 'sent' THEN now() ELSE sent_at END,
                delivered_at = CASE WHEN :to = 'delivered' THEN now() ELSE delivered_at END,
                finished_at = CASE WHEN :terminal THEN now() ELSE finished_at END,
                result = CASE WHEN :terminal THEN CAST(:result AS jsonb) ELSE result END
              WHERE command_id = :id AND status = ANY(:from)
              RETURNING command_id)
            INSERT INTO command_events (command_id, at, status, principal, reason, detail)
            SELECT command_id, clock_timestamp(), :to, :actor, :reason, CAST(:result AS jsonb) FROM moved
            RETURNING command_id""")
        .bind("to", transition.to().wire()).bind("terminal", terminal).bind("id", transition.commandId())
        .bindArray("from", String.class, transition.from().stream().map(CommandStatus::wire).toList())
        .bind("actor", transition.actor()).bind("reason", transition.reason())
        .bind("result", transition.result() == null ? null : transition.result().toString())
        .mapTo(String.class).findOne().isPresent();
  }

  /**
   * Restarts the delivery timer of a sent command about to be published again and audits the
   * re-send; false when it is no longer {@code sent}. The timer counts from the last publish, so
   * time the cloud was down or the edge away does not count against the edge.
   */
  public static boolean recordResend(Handle handle, String commandId, String actor) {
    return handle.createQuery("""
            WITH resent AS (
              UPDATE commands SET sent_at = now() WHERE command_id = :id AND status = 'sent' RETURNING command_id)
            INSERT INTO command_events (command_id, at, status, principal, reason)
            SELECT command_id, clock_timestamp(), 'sent', :actor, 're_sent' FROM resent
            RETURNING command_id""")
        .bind("id", commandId).bind("actor", actor).mapTo(String.class).findOne().isPresent();
  }

  /**
   * Keeps a result that came after the cloud gave up on the command, beside its end: a {@code timeout},
   * or a system command the cloud itself failed as {@code outcome_unknown} (a restart that outlasted
   * what it announced still reports how it went). False when there is one already, or when the command
   * ended otherwise.
   */
  public static boolean recordLateResult(Handle handle, String commandId, JsonNode ack, String actor) {
    return handle.createQuery("""
            WITH kept AS (
              UPDATE commands SET late_result = CAST(:ack AS jsonb)
              WHERE command_id = :id AND late_result IS NULL
                AND (status = 'timeout' OR (status = 'failed' AND command_type = 'system'
                  AND result->'error'->>'code' = 'outcome_unknown'
                  AND EXISTS (SELECT 1 FROM command_events ended WHERE ended.command_id = :id
                              AND ended.status = 'failed' AND ended.principal = 'cloud')))
              RETURNING command_id)
            INSERT INTO command_events (command_id, at, status, principal, reason, detail)
            SELECT command_id, clock_timestamp(), :status, :actor, 'late_result', CAST(:ack AS jsonb) FROM kept
            RETURNING command_id""")
        .bind("ack", ack.toString()).bind("id", commandId).bind("status", ack.path("status").asText())
        .bind("actor", actor).mapTo(String.class).findOne().isPresent();
  }

  /**
   * Claims every command sent longer than {@code timeout} ago without a delivery ack and moves it
   * to {@code timeout}, on the database's clock. Row locks make concurrent claims by several nodes
   * disjoint: each command is claimed once.
   */
  public List<Moved> claimTimeouts(Duration timeout) {
    return claim("""
        UPDATE commands SET status = 'timeout', finished_at = now(),
          result = jsonb_build_object('error', jsonb_build_object('code', 'no_acknowledgment', 'message',
            'the edge did not confirm delivery within ' || :seconds || ' s; the outcome is unknown'))
        WHERE command_id IN (SELECT command_id FROM commands WHERE status = 'sent'
                             AND sent_at < now() - make_interval(secs => :seconds)
                             ORDER BY sent_at LIMIT 500 FOR UPDATE SKIP LOCKED)
        AND status = 'sent'""", "no_acknowledgment", timeout.toMillis() / 1000.0);
  }

  /** Moves accepted or queued commands past their deadline to {@code expired}. */
  public List<Moved> expireWaiting() {
    return claim("""
        UPDATE commands SET status = 'expired', finished_at = now(),
          result = jsonb_build_object('error', jsonb_build_object('code', 'deadline_passed', 'message',
            'the deadline passed before the edge could be reached'))
        WHERE command_id IN (SELECT command_id FROM commands WHERE status IN ('accepted', 'queued')
                             AND expires_at < now() + make_interval(secs => :seconds)
                             ORDER BY expires_at LIMIT 500 FOR UPDATE SKIP LOCKED)
        AND status IN ('accepted', 'queued')""", "deadline_passed", 0.0);
  }

  /** Moves delivered commands still without a result at their deadline plus {@code grace} to {@code failed}. */
  public List<Moved> failDeliveredPastGrace(Duration grace) {
    return claim("""
        UPDATE commands SET status = 'failed', finished_at = now(),
          result = jsonb_build_object('error', jsonb_build_object('code', 'outcome_unknown', 'message',
            'the edge confirmed delivery but sent no result by the deadline plus ' || :seconds || ' s'))
        WHERE command_id IN (SELECT command_id FROM commands WHERE status = 'delivered'
                             AND expires_at < now() - make_interval(secs => :seconds)
                             ORDER BY expires_at LIMIT 500 FOR UPDATE SKIP LOCKED)
        AND status = 'delivered'""", "outcome_unknown", grace.toMillis() / 1000.0);
  }

  /**
   * Ends as failed (outcome unknown) each delivered restart whose edge announced in its
   * {@code restarting} event how long it would take, and sent no result within that plus
   * {@code grace} after delivery; one that announced nothing waits for its deadline plus grace.
   */
  public List<Moved> failRestartsPastAnnouncement(Duration grace) {
    return claim("""
        UPDATE commands SET status = 'failed', finished_at = now(),
          result = jsonb_build_object('error', jsonb_build_object('code', 'outcome_unknown', 'message',
            'the edge announced that its restart takes ' || announced.expected_sec || ' s and sent no result'
            || ' within that plus ' || :seconds || ' s of delivery'))
        FROM (SELECT c.command_id AS restart_id, (e.detail->>'expected_sec')::int AS expected_sec
              FROM commands c JOIN edge_events e ON e.edge_id = c.edge_id AND e.received_at >= c.accepted_at
                AND e.type = 'restarting' AND e.detail->>'command_id' = c.command_id
                AND e.detail->>'expected_sec' ~ '^[0-9]{1,6}$'
              WHERE c.status = 'delivered' AND c.command_type = 'system'
                AND c.delivered_at + make_interval(secs => (e.detail->>'expected_sec')::int + :seconds) < now()
              ORDER BY c.delivered_at LIMIT 500 FOR UPDATE OF c SKIP LOCKED) announced
        WHERE commands.command_id = announced.restart_id AND commands.status = 'delivered'""",
        "outcome_unknown", grace.toMillis() / 1000.0);
  }

  private List<Moved> claim(String update, String reason, double seconds) {
    return jdbi.inTransaction(h -> h.createQuery("WITH moved AS (" + update + """
             RETURNING command_id, edge_id, principal, status, result),
            audit AS (INSERT INTO command_events (command_id, at, status, principal, reason, detail)
                      SELECT command_id, clock_timestamp(), status, 'cloud', :reason, result FROM moved)
            SELECT command_id, edge_id, principal, status, result::text FROM moved""")
        .bind("seconds", seconds).bind("reason", reason)
        .map((rs, ctx) -> new Moved(rs.getString(1), rs.getString(2), rs.getString(3),
            CommandStatus.fromWire(rs.getString(4)), json(rs.getString(5))))
        .list());
  }

  static CommandRecord mapRecord(ResultSet rs, StatementContext ctx) throws SQLException {
    Command command = readCommand(rs.getString("payload"));
    return new CommandRecord(command, rs.getString("principal"), rs.getString("fingerprint"),
        CommandStatus.fromWire(rs.getString("status")), rs.getLong("submit_seq"), instant(rs, "accepted_at"),
        instant(rs, "expires_at"), instant(rs, "sent_at"), instant(rs, "delivered_at"), instant(rs, "finished_at"),
        json(rs.getString("result")), json(rs.getString("late_result")));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private static Command readCommand(String payload) {
    try {
      return Json.mapper().readValue(payload, Command.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored command payload is not a command", e);
    }
  }

  static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON column is not JSON", e);
    }
  }

  static String toJson(Object value) {
    try {
      return Json.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }
}
