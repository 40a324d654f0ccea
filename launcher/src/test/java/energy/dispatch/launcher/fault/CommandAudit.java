package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import energy.dispatch.schema.Json;
import energy.dispatch.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the cloud's record of commands straight from PostgreSQL (tables {@code commands} and
 * {@code command_events}) and checks the invariants every fault test asserts for every command:
 * exactly one terminal state, and an audit that is complete (starts with {@code accepted}, moves
 * only forward through the lifecycle of DESIGN.md section 3, each event with principal, time and
 * reason, a late result only beside a timeout). Thread-safe.
 */
final class CommandAudit {

  static final String LATE_RESULT = "late_result";
  static final Set<String> TERMINAL = Set.of("executed", "failed", "rejected", "expired", "superseded", "timeout",
      "cancelled");
  /** Position in the lifecycle: a command only ever moves to a higher one. */
  private static final Map<String, Integer> RANK = Map.of("accepted", 0, "queued", 1, "sent", 2, "delivered", 3);

  private final TestPostgres.Database database;

  CommandAudit(TestPostgres.Database database) {
    this.database = database;
  }

  /** One transition as audited. */
  record Event(String status, String principal, String reason, Instant at) {
    boolean lateResult() {
      return LATE_RESULT.equals(reason);
    }
  }

  /** A command's record and its history, oldest first. */
  record Record(String commandId, String status, JsonNode result, JsonNode lateResult, List<Event> events) {
    boolean terminal() {
      return TERMINAL.contains(status);
    }

    /** The error code of the result the edge (or the cloud) gave, empty when none. */
    String errorCode() {
      return result.path("error").path("code").asText("");
    }

    /** What the device saw: the status, or beside a timeout the late result's status. */
    String outcome() {
      return "timeout".equals(status) && !lateResult.isMissingNode() ? lateResult.path("status").asText() : status;
    }

    @Override
    public String toString() {
      return commandId + " " + status + (errorCode().isEmpty() ? "" : "/" + errorCode()) + " events="
          + events.stream().map(e -> e.status() + (e.lateResult() ? "(late)" : "")).toList();
    }
  }

  Optional<Record> find(String commandId) {
    try (Connection connection = connect()) {
      Record record = null;
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT status, result::text, late_result::text FROM commands WHERE command_id = ?")) {
        query.setString(1, commandId);
        try (ResultSet row = query.executeQuery()) {
          if (row.next()) {
            record = new Record(commandId, row.getString(1), json(row.getString(2)), json(row.getString(3)),
                events(connection, commandId));
          }
        }
      }
      return Optional.ofNullable(record);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read command " + commandId, e);
    }
  }

  /** Waits until the command is recorded in a terminal state, and returns it. */
  Record awaitTerminal(String commandId, Duration timeout) {
    return await("terminal state of " + commandId).atMost(timeout).pollInterval(Duration.ofMillis(200))
        .until(() -> find(commandId).orElse(null), record -> record != null && record.terminal());
  }

  /** Asserts exactly one terminal state and a complete audit; returns the record for further checks. */
  Record assertSound(String commandId) {
    Record record = find(commandId).orElseThrow(() -> new AssertionError("no record of command " + commandId));
    assertThat(record.terminal()).as("%s ends in a terminal state", record).isTrue();
    List<Event> events = record.events();
    assertThat(events).as("%s has an audit", record).isNotEmpty();
    assertThat(events.get(0).status()).as("%s starts accepted", record).isEqualTo("accepted");
    events.forEach(event -> {
      assertThat(event.principal()).as("principal of %s in %s", event, record).isNotBlank();
      assertThat(event.at()).as("time of %s in %s", event, record).isNotNull();
      assertThat(event.reason()).as("reason of %s in %s", event, record).isNotBlank();
    });
    List<Event> transitions = events.stream().filter(event -> !event.lateResult()).toList();
    List<Event> terminal = transitions.stream().filter(event -> TERMINAL.contains(event.status())).toList();
    assertThat(terminal).as("%s has exactly one terminal event", record).hasSize(1);
    assertThat(transitions.get(transitions.size() - 1).status()).as("%s: last transition is the record's state",
        record).isEqualTo(record.status());
    for (int i = 1; i < transitions.size(); i++) {
      assertForward(record, transitions.get(i - 1).status(), transitions.get(i).status());
    }
    List<Event> late = events.stream().filter(Event::lateResult).toList();
    assertThat(late.size()).as("%s: at most one late result", record).isLessThanOrEqualTo(1);
    if (!late.isEmpty()) {
      assertThat(record.status()).as("%s: a late result stands only beside a timeout", record).isEqualTo("timeout");
    }
    return record;
  }

  private static void assertForward(Record record, String from, String to) {
    assertThat(RANK).as("%s: %s is not a state a command moves on from", record, from).containsKey(from);
    if ("sent".equals(from) && "sent".equals(to)) {
      return; // a re-publish after a reconnect or restart is audited as another 'sent', restarting its timer
    }
    int next = RANK.getOrDefault(to, TERMINAL.contains(to) ? 4 : -1);
    assertThat(next).as("%s: %s -> %s moves forward", record, from, to).isGreaterThan(RANK.get(from));
    if ("cancelled".equals(to)) {
      assertThat(from).as("%s: only a queued command is cancelled", record).isEqualTo("queued");
    }
    if ("timeout".equals(to)) {
      assertThat(from).as("%s: only a sent command times out", record).isEqualTo("sent");
    }
  }

  /** How many rows of {@code command_events} say {@code status} for the command (e.g. timeouts fired). */
  long eventCount(String commandId, String status) {
    return find(commandId).map(record -> record.events().stream()
        .filter(event -> event.status().equals(status) && !event.lateResult()).count()).orElse(0L);
  }

  private static List<Event> events(Connection connection, String commandId) throws SQLException {
    List<Event> events = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT status, principal, reason, at FROM command_events WHERE command_id = ? ORDER BY at, event_seq")) {
      query.setString(1, commandId);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          Timestamp at = rows.getTimestamp(4);
          events.add(new Event(rows.getString(1), rows.getString(2), rows.getString(3),
              at == null ? null : at.toInstant()));
        }
      }
    }
    return events;
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return MissingNode.getInstance();
    }
    try {
      return Json.mapper().readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException("stored JSON does not parse: " + text, e);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
  }
}
