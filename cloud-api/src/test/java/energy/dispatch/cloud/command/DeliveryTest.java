package energy.dispatch.cloud.command;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.OTHER_EDGE;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.cloud.support.TestSocket;
import energy.dispatch.schema.Json;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cloud's side of issue 3: queueing, draining, the window, timers, late results, cancel, the ack topic check. */
class DeliveryTest {

  private static TestBroker broker;
  private CloudFixture fixture;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void stopCloud() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private TestSocket start() {
    fixture = CloudFixture.start(broker);
    return fixture.socket(OPERATOR);
  }

  @Test
  void a_command_to_an_edge_that_never_connected_waits_queued_and_runs_when_it_comes() {
    TestSocket socket = start();

    socket.send(seedCommand("while_away"));
    socket.awaitStatus("while_away", "queued");
    fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);

    socket.awaitStatus("while_away", "executed");
    assertThat(socket.statusesOf("while_away")).containsExactly("accepted", "queued", "sent", "delivered", "executed");
    assertThat(fixture.auditedStatuses("while_away"))
        .containsExactly("accepted", "queued", "sent", "delivered", "executed");
  }

  @Test
  void every_audited_transition_says_why_it_happened() {
    TestSocket socket = start();
    socket.send(seedCommand("with_reasons"));
    socket.awaitStatus("with_reasons", "queued");
    fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);

    socket.awaitStatus("with_reasons", "executed");

    List<String> reasons = fixture.database().withHandle(h -> h.createQuery(
            "SELECT status || ': ' || coalesce(reason, '') FROM command_events WHERE command_id = :id ORDER BY at, event_seq")
        .bind("id", "with_reasons").mapTo(String.class).list());
    assertThat(reasons).containsExactly("accepted: checks_passed", "queued: edge_not_ready", "sent: published",
        "delivered: edge_acknowledged", "executed: result");
  }

  @Test
  void no_delivery_ack_within_the_timeout_is_a_timeout_and_a_later_result_is_kept_beside_it() {
    TestSocket socket = start();
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.SILENT);

    socket.send(seedCommand("silent_edge"));
    JsonNode timeout = socket.awaitStatus("silent_edge", "timeout");
    edge.ack("silent_edge", "executed").join();

    JsonNode late = socket.awaitStatus("silent_edge", "executed");
    assertThat(timeout.path("error").path("code").asText()).isEqualTo("no_acknowledgment");
    assertThat(late.path("late").asBoolean()).isTrue();
    JsonNode details = CloudFixture.json(fixture.call("GET", "/api/v1/commands/silent_edge", fixture.token(OPERATOR), null).body());
    assertThat(details.path("status").asText()).isEqualTo("timeout");
    assertThat(details.path("late_result").path("status").asText()).isEqualTo("executed");
    assertThat(details.path("history")).extracting(event -> event.path("status").asText())
        .containsExactly("accepted", "sent", "timeout", "executed");
  }

  @Test
  void a_queued_command_can_be_cancelled_and_a_sent_one_cannot() {
    TestSocket socket = start();
    socket.send(seedCommand("to_cancel"));
    socket.awaitStatus("to_cancel", "queued");

    socket.send("{\"type\": \"cancel\", \"command_id\": \"to_cancel\"}");
    socket.awaitStatus("to_cancel", "cancelled");
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.DELIVER_ONLY);
    socket.send(seedCommand("too_late_to_cancel"));
    socket.awaitStatus("too_late_to_cancel", "delivered");
    socket.send("{\"type\": \"cancel\", \"command_id\": \"too_late_to_cancel\"}");

    JsonNode refused = socket.await(m -> m.path("command_id").asText().equals("too_late_to_cancel")
        && m.path("error").path("code").asText().equals("not_cancellable"));
    assertThat(refused.path("status").asText()).isEqualTo("delivered");
    assertThat(refused.path("error").path("message").asText()).contains("already sent", "cannot be recalled");
    assertThat(edge.commands()).extracting(c -> c.path("command_id").asText()).containsExactly("too_late_to_cancel");
  }

  @Test
  void an_ack_on_another_edges_topic_is_ignored() throws Exception {
    TestSocket socket = start();
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.SILENT);
    TestEdge impostor = fixture.connectEdge(OTHER_EDGE, TestEdge.Answer.SILENT);
    socket.send(seedCommand("not_yours"));
    socket.awaitStatus("not_yours", "sent");

    impostor.ack("not_yours", "executed").join();
    edge.ack("not_yours", "delivered").join();

    socket.awaitStatus("not_yours", "delivered");
    assertThat(socket.statusesOf("not_yours")).doesNotContain("executed");
    assertThat(fixture.auditedStatuses("not_yours")).containsExactly("accepted", "sent", "delivered");
  }

  @Test
  void a_newer_setpoint_supersedes_a_queued_one_on_the_same_channel() {
    TestSocket socket = start();
    socket.send(seedCommand("ramp_1", EDGE, 10_000));
    socket.awaitStatus("ramp_1", "accepted");
    socket.send(seedCommand("ramp_2", EDGE, 20_000));

    JsonNode superseded = socket.awaitStatus("ramp_1", "superseded");
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    socket.awaitStatus("ramp_2", "executed");

    assertThat(superseded.path("error").path("code").asText()).isEqualTo("superseded_by_newer");
    assertThat(edge.commands()).extracting(c -> c.path("command_id").asText()).containsExactly("ramp_2");
  }

  @Test
  void a_burst_of_setpoints_to_one_channel_of_an_offline_edge_leaves_only_the_newest_waiting() {
    TestSocket socket = start();
    int burst = 100;
    for (int i = 1; i <= burst; i++) {
      socket.send(seedCommand("burst_" + i, EDGE, 1_000 * i));
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> statusCounts().getOrDefault("accepted", 0) == 0
        && statusCounts().values().stream().mapToInt(Integer::intValue).sum() == burst);
    assertThat(statusCounts()).containsOnly(entry("queued", 1), entry("superseded", burst - 1));
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    socket.awaitStatus("burst_" + burst, "executed");
    assertThat(edge.commands()).extracting(c -> c.path("command_id").asText()).containsExactly("burst_" + burst);
  }

  private java.util.Map<String, Integer> statusCounts() {
    return fixture.database().withHandle(h -> h.createQuery(
            "SELECT status, count(*) FROM commands WHERE command_id LIKE 'burst_%' GROUP BY status")
        .reduceRows(new java.util.HashMap<String, Integer>(), (counts, row) -> {
          counts.put(row.getColumn(1, String.class), row.getColumn(2, Integer.class));
          return counts;
        }));
  }

  @Test
  void a_queued_command_past_its_deadline_expires_and_is_never_sent() throws Exception {
    TestSocket socket = start();
    socket.send(seedCommand("short_lived").replace("\"expiry_sec\": 300", "\"expiry_sec\": 1"));
    socket.awaitStatus("short_lived", "queued");

    JsonNode expired = socket.awaitStatus("short_lived", "expired");
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    socket.send(seedCommand("fresh_one"));
    socket.awaitStatus("fresh_one", "executed");

    assertThat(expired.path("error").path("code").asText()).isEqualTo("deadline_passed");
    assertThat(edge.commands()).extracting(c -> c.path("command_id").asText()).containsExactly("fresh_one");
  }

  @Test
  void higher_priorities_leave_the_outbox_first() {
    TestSocket socket = start();
    socket.send(setpoint("normal_1", "SetReactivePower", 100, "normal"));
    socket.send(modeChange("normal_2", "normal"));
    socket.send(setpoint("urgent", "SetActivePower", -50_000, "emergency"));
    await().until(() -> List.of("normal_1", "normal_2", "urgent").stream()
        .allMatch(id -> socket.statusesOf(id).contains("queued")));

    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);

    socket.awaitStatus("normal_2", "executed");
    assertThat(edge.commands()).extracting(c -> c.path("command_id").asText())
        .containsExactly("urgent", "normal_1", "normal_2");
  }

  @Test
  void at_most_the_window_is_in_flight_and_a_delivery_lets_the_next_one_go() {
    fixture = CloudFixture.start(broker, builder -> builder.inFlightWindow(2).deliveryTimeout(Duration.ofSeconds(30)));
    TestSocket socket = fixture.socket(OPERATOR);
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.SILENT);

    for (int i = 1; i <= 4; i++) {
      socket.send(modeChange("window_" + i, "normal"));
      socket.awaitStatus("window_" + i, i <= 2 ? "sent" : "queued");
    }
    edge.ack("window_1", "delivered").join();

    socket.awaitStatus("window_3", "sent");
    assertThat(socket.statusesOf("window_4")).doesNotContain("sent");
    assertThat(edge.commands()).extracting(c -> c.path("command_id").asText())
        .containsExactly("window_1", "window_2", "window_3");
  }

  @Test
  void what_was_sent_but_not_delivered_is_published_again_when_the_edge_comes_back() throws Exception {
    fixture = CloudFixture.start(broker, builder -> builder.deliveryTimeout(Duration.ofSeconds(30)));
    TestSocket socket = fixture.socket(OPERATOR);
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.SILENT);
    socket.send(seedCommand("lost_on_the_way"));
    socket.awaitStatus("lost_on_the_way", "sent");
    edge.goOffline();

    TestEdge back = fixture.reconnectEdge(EDGE, TestEdge.Answer.EXECUTE);

    socket.awaitStatus("lost_on_the_way", "executed");
    assertThat(back.commands()).extracting(c -> c.path("command_id").asText()).contains("lost_on_the_way");
  }

  @Test
  void a_delivered_command_without_a_result_is_published_again_when_the_edge_comes_back() throws Exception {
    // A broker that dies after taking an edge's result loses it; the copy makes the edge send it again.
    fixture = CloudFixture.start(broker, builder -> builder.deliveryTimeout(Duration.ofSeconds(30)));
    TestSocket socket = fixture.socket(OPERATOR);
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.DELIVER_ONLY);
    socket.send(seedCommand("result_lost"));
    socket.awaitStatus("result_lost", "delivered");
    edge.goOffline();

    TestEdge back = fixture.reconnectEdge(EDGE, TestEdge.Answer.EXECUTE);

    socket.awaitStatus("result_lost", "executed");
    assertThat(back.commands()).extracting(c -> c.path("command_id").asText()).contains("result_lost");
    assertThat(fixture.auditedStatuses("result_lost")).containsExactly("accepted", "sent", "delivered", "executed");
  }

  @Test
  void a_command_published_again_gets_a_fresh_delivery_timer_and_an_audited_re_send() throws Exception {
    fixture = CloudFixture.start(broker, builder -> builder.deliveryTimeout(Duration.ofSeconds(30)));
    TestSocket socket = fixture.socket(OPERATOR);
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.SILENT);
    socket.send(seedCommand("resent_late"));
    socket.awaitStatus("resent_late", "sent");
    edge.goOffline();
    // the edge (or the whole cloud) was away for almost the whole delivery timeout
    fixture.database().useHandle(h -> h.execute(
        "UPDATE commands SET sent_at = now() - interval '29 seconds' WHERE command_id = 'resent_late'"));

    TestEdge back = fixture.reconnectEdge(EDGE, TestEdge.Answer.SILENT);
    await().until(() -> back.commands().stream().anyMatch(c -> c.path("command_id").asText().equals("resent_late")));
    await().until(() -> fixture.auditedStatuses("resent_late").size() == 3);
    back.ack("resent_late", "delivered").join();
    back.ack("resent_late", "executed").join();

    socket.awaitStatus("resent_late", "executed");
    assertThat(fixture.auditedStatuses("resent_late")).containsExactly("accepted", "sent", "sent", "delivered", "executed");
    String reason = fixture.database().withHandle(h -> h.createQuery(
            "SELECT reason FROM command_events WHERE command_id = 'resent_late' ORDER BY at, event_seq OFFSET 2 LIMIT 1")
        .mapTo(String.class).one());
    assertThat(reason).isEqualTo("re_sent");
  }

  @Test
  void a_delivered_command_without_a_result_fails_at_its_deadline_plus_the_grace() {
    fixture = CloudFixture.start(broker, builder -> builder.resultGrace(Duration.ofSeconds(1)));
    TestSocket socket = fixture.socket(OPERATOR);
    fixture.connectEdge(EDGE, TestEdge.Answer.DELIVER_ONLY);

    socket.send(seedCommand("never_finished").replace("\"expiry_sec\": 300", "\"expiry_sec\": 2"));

    JsonNode failed = socket.awaitStatus("never_finished", "failed");
    assertThat(failed.path("error").path("code").asText()).isEqualTo("outcome_unknown");
    assertThat(fixture.auditedStatuses("never_finished")).containsExactly("accepted", "sent", "delivered", "failed");
  }

  @Test
  void a_restart_whose_edge_stays_away_fails_after_its_announced_time_and_a_later_result_is_kept() {
    fixture = CloudFixture.start(broker, builder -> builder.resultGrace(Duration.ofSeconds(1)));
    TestSocket socket = fixture.socket(OPERATOR);
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.DELIVER_ONLY);

    socket.send("""
        {"command_id": "restart_gone", "command_type": "system", "target": {"edge_id": "%s"},
         "value": "restart", "expiry_sec": 3600, "source": "user_456", "timestamp": "2026-02-15T14:30:00Z"}
        """.formatted(EDGE));
    socket.awaitStatus("restart_gone", "delivered");
    edge.reportEvent(Json.mapper().createObjectNode().put("event_id", "ev-restarting").put("type", "restarting")
        .put("command_id", "restart_gone").put("expected_sec", 2)).join();

    JsonNode failed = socket.awaitStatus("restart_gone", "failed");
    assertThat(failed.path("error").path("code").asText()).isEqualTo("outcome_unknown");
    assertThat(failed.path("error").path("message").asText()).contains("announced that its restart takes 2 s");
    assertThat(fixture.auditedStatuses("restart_gone")).containsExactly("accepted", "sent", "delivered", "failed");

    edge.ack("restart_gone", "executed").join();

    assertThat(socket.awaitStatus("restart_gone", "executed").path("late").asBoolean()).isTrue();
    JsonNode details = CloudFixture.json(
        fixture.call("GET", "/api/v1/commands/restart_gone", fixture.token(OPERATOR), null).body());
    assertThat(details.path("status").asText()).isEqualTo("failed");
    assertThat(details.path("late_result").path("status").asText()).isEqualTo("executed");
  }

  @Test
  void open_commands_answers_the_current_state_of_the_users_unfinished_commands() {
    TestSocket socket = start();
    socket.send(seedCommand("open_1"));
    socket.send(modeChange("open_2", "high"));
    await().until(() -> socket.statusesOf("open_2").contains("queued") && socket.statusesOf("open_1").contains("queued"));

    socket.send("{\"type\": \"open_commands\"}");

    JsonNode open = socket.await(m -> m.path("type").asText().equals("open_commands"));
    assertThat(open.path("commands")).extracting(c -> c.path("command_id").asText()).containsExactly("open_1", "open_2");
    assertThat(open.path("commands")).extracting(c -> c.path("status").asText()).containsOnly("queued");
  }

  @Test
  void open_commands_never_answers_a_state_older_than_what_the_socket_already_received() {
    TestSocket socket = start();
    int rounds = 40;
    for (int i = 0; i < rounds; i++) {
      socket.send(modeChange("snapshot_" + i, "normal"));
      socket.send("{\"type\": \"open_commands\"}");
    }

    await().until(() -> socket.messages().stream().filter(m -> m.path("type").asText().equals("open_commands")).count()
        == rounds);
    java.util.Map<String, String> seen = new java.util.HashMap<>();
    for (JsonNode message : socket.messages()) {
      if (message.path("type").asText().equals("command_status")) {
        seen.put(message.path("command_id").asText(), message.path("status").asText());
      } else if (message.path("type").asText().equals("open_commands")) {
        for (JsonNode open : message.path("commands")) {
          String before = seen.get(open.path("command_id").asText());
          assertThat(before == null || !before.equals("queued") || open.path("status").asText().equals("queued"))
              .as("%s was already pushed as %s but open_commands answered %s", open.path("command_id").asText(),
                  before, open.path("status").asText())
              .isTrue();
        }
      }
    }
  }

  private static String setpoint(String id, String channel, int value, String priority) {
    return """
        {"command_id": "%s", "command_type": "setpoint", "priority": "%s",
         "target": {"edge_id": "%s", "device_id": "bms_main", "channel": "%s"}, "value": %d}
        """.formatted(id, priority, EDGE, channel, value);
  }

  private static String modeChange(String id, String priority) {
    return """
        {"command_id": "%s", "command_type": "mode_change", "priority": "%s",
         "target": {"edge_id": "%s", "controller": "peak_shaving"}, "value": "on"}
        """.formatted(id, priority, EDGE);
  }

  /**
   * PostgreSQL refusing every audit row with "the database system is starting up" (SQLSTATE 57P03)
   * stands in for a restart of the record: the suite's shared server cannot be stopped.
   */
  @Test
  void an_ack_the_record_could_not_take_is_recorded_once_the_record_is_back() {
    fixture = CloudFixture.start(broker, settings -> settings.deliveryTimeout(Duration.ofMinutes(2)));
    TestSocket socket = fixture.socket(OPERATOR);
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.SILENT);
    socket.send(seedCommand("while_record_away"));
    socket.awaitStatus("while_record_away", "sent");
    Jdbi record = fixture.database();

    record.useHandle(h -> h.execute("""
        CREATE FUNCTION refuse_while_starting() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the database system is starting up' USING ERRCODE = '57P03'; END $$;
        CREATE TRIGGER record_away BEFORE INSERT ON command_events
          FOR EACH ROW EXECUTE FUNCTION refuse_while_starting();"""));
    edge.ack("while_record_away", "delivered").join();
    edge.ack("while_record_away", "executed").join();
    await("the command stays sent while the record refuses").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5)).until(() -> recordedStatus(record, "while_record_away"), "sent"::equals);
    record.useHandle(h -> h.execute("DROP TRIGGER record_away ON command_events"));

    socket.awaitStatus("while_record_away", "executed");
    assertThat(recordedStatus(record, "while_record_away")).isEqualTo("executed");
    assertThat(fixture.auditedStatuses("while_record_away")).endsWith("executed");
  }

  private static String recordedStatus(Jdbi record, String commandId) {
    return record.withHandle(h -> h.createQuery("SELECT status FROM commands WHERE command_id = :id")
        .bind("id", commandId).mapTo(String.class).one());
  }
}
