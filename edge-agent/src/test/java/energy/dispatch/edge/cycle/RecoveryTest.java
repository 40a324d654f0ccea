package energy.dispatch.edge.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.edge.journal.PendingEvent;
import energy.dispatch.edge.testing.EdgeHarness;
import energy.dispatch.edge.testing.FakeClock;
import energy.dispatch.edge.testing.SiteModelGateway;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.simulator.SiteModel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At-most-once execution across redeliveries and crashes: the journal decides, never a second write. */
class RecoveryTest {

  @TempDir
  Path directory;

  private final FakeClock clock = FakeClock.at("2026-02-15T14:30:00Z");
  private SiteModelGateway gateway;
  private EdgeHarness edge;

  @BeforeEach
  void site() {
    SiteModel model = SiteModel.demo();
    gateway = new SiteModelGateway(model);
    edge = new EdgeHarness(directory, gateway, clock);
  }

  @AfterEach
  void close() {
    edge.close();
  }

  /** Stops the "process" and starts a fresh one on the same journal and devices. */
  private void restart() {
    edge.close();
    edge = new EdgeHarness(directory, gateway, clock);
    edge.recover();
  }

  @Test
  void a_redelivered_command_is_answered_with_its_recorded_result_and_not_executed_again() {
    var command = edge.commands.setpoint("cmd_12345", 50_000);
    edge.send(command);
    edge.step();
    edge.send(command);
    edge.step();

    assertThat(edge.statusesFor("cmd_12345"))
        .containsExactly(AckStatus.DELIVERED, AckStatus.EXECUTED, AckStatus.EXECUTED);
    assertThat(gateway.setpointWrites()).isEqualTo(1);
  }

  @Test
  void a_command_redelivered_while_still_queued_is_answered_delivered_and_queued_once() {
    var command = edge.commands.setpoint("sp-queued", 20_000);
    edge.send(command);
    edge.send(command);
    edge.step();

    assertThat(edge.statusesFor("sp-queued"))
        .containsExactly(AckStatus.DELIVERED, AckStatus.DELIVERED, AckStatus.EXECUTED);
    assertThat(gateway.setpointWrites()).isEqualTo(1);
  }

  @Test
  void a_crash_between_the_write_and_its_result_is_settled_by_reading_the_device_back() {
    gateway.crashAfterNextWrite();
    edge.send(edge.commands.setpoint("sp-crash", 50_000));
    assertThatThrownBy(edge::cycle).isInstanceOf(SiteModelGateway.SimulatedCrash.class);

    restart();

    assertThat(edge.resultFor("sp-crash").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.site.holds().get("bms_main/SetActivePower")).isPresent();
    assertThat(gateway.setpointWrites()).isEqualTo(1);
  }

  @Test
  void a_crash_after_a_write_the_device_did_not_keep_answers_outcome_unknown_without_writing_again() {
    gateway.crashAfterNextWrite();
    edge.send(edge.commands.setpoint("sp-lost", 50_000));
    assertThatThrownBy(edge::cycle).isInstanceOf(SiteModelGateway.SimulatedCrash.class);
    gateway.model().setSetpointWatts(0);

    restart();

    assertThat(edge.resultFor("sp-lost").status()).isEqualTo(AckStatus.FAILED);
    assertThat(edge.resultFor("sp-lost").error().code()).isEqualTo("outcome_unknown");
    assertThat(gateway.setpointWrites()).isEqualTo(1);
  }

  @Test
  void a_crash_with_an_unreachable_device_answers_outcome_unknown() {
    gateway.crashAfterNextWrite();
    edge.send(edge.commands.setpoint("sp-dark", 50_000));
    assertThatThrownBy(edge::cycle).isInstanceOf(SiteModelGateway.SimulatedCrash.class);
    gateway.batteryUnreachable(true);

    restart();

    assertThat(edge.resultFor("sp-dark").error().code()).isEqualTo("outcome_unknown");
    assertThat(edge.resultFor("sp-dark").error().message()).contains("device_unreachable");
  }

  @Test
  void queued_commands_survive_a_restart_and_run_after_it() {
    edge.send(edge.commands.setpoint("sp-queued", 30_000));
    edge.send(edge.commands.modeChange("ps-on", "peak_shaving", "on"));

    restart();
    edge.step();

    assertThat(edge.resultFor("sp-queued").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.resultFor("ps-on").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(gateway.model().setpointWatts()).isEqualTo(30_000);
  }

  @Test
  void a_queued_command_that_expired_while_the_agent_was_down_is_expired_not_written() {
    edge.send(edge.commands.setpoint("sp-stale", 30_000));
    clock.advance(Duration.ofMinutes(10));

    restart();
    edge.cycle();

    assertThat(edge.resultFor("sp-stale").status()).isEqualTo(AckStatus.EXPIRED);
    assertThat(gateway.setpointWrites()).isZero();
  }

  @Test
  void a_hold_is_restored_at_start_and_still_holds_against_the_controllers() {
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));
    edge.send(edge.commands.setpoint("sp-held", 50_000).put("hold_sec", 600));
    edge.step();

    restart();
    edge.step();

    assertThat(gateway.model().setpointWatts()).isEqualTo(50_000);
    assertThat(edge.cycle.status().controllers().get("balancing").toString()).contains("enabled=true");
  }

  @Test
  void an_override_reverts_on_time_across_a_restart() {
    edge.send(edge.commands.override("minsoc", "min_soc", "MinSoc", 15, 3600));
    edge.step();
    clock.advance(Duration.ofMinutes(30));

    restart();
    edge.step();
    assertThat(edge.cycle.status().overrides()).hasSize(1);
    edge.step(Duration.ofMinutes(30));

    assertThat(edge.cycle.status().overrides()).isEmpty();
    assertThat(edge.events("override_reverted")).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("command_id", "minsoc"));
  }

  @Test
  void an_override_whose_time_ran_out_while_the_agent_was_down_reverts_on_the_first_cycle_with_its_event() {
    edge.send(edge.commands.override("minsoc-down", "min_soc", "MinSoc", 15, 3600));
    edge.step();
    edge.close();
    clock.advance(Duration.ofHours(2));

    edge = new EdgeHarness(directory, gateway, clock);
    edge.recover();
    assertThat(edge.cycle.status().overrides()).as("restored from the journal").hasSize(1);
    edge.cycle();

    assertThat(edge.cycle.status().overrides()).isEmpty();
    assertThat(edge.site.controllers().minSocPercent().getAsDouble()).isEqualTo(10.0);
    assertThat(edge.events("override_reverted")).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("command_id", "minsoc-down"));
    assertThat(edge.journal.overrides()).isEmpty();
    assertThat(edge.journal.unsentEvents()).extracting(PendingEvent::type).containsExactly("override_reverted");
  }

  @Test
  void a_replaced_override_stays_replaced_across_a_restart_and_its_event_is_kept_to_send() {
    edge.send(edge.commands.override("minsoc-15", "min_soc", "MinSoc", 15, 3600));
    edge.step();
    edge.send(edge.commands.override("minsoc-20", "min_soc", "MinSoc", 20, 3600));
    edge.step();

    restart();
    edge.step();

    assertThat(edge.cycle.status().overrides()).extracting(override -> override.commandId())
        .containsExactly("minsoc-20");
    assertThat(edge.site.controllers().minSocPercent().getAsDouble()).isEqualTo(20.0);
    assertThat(edge.journal.unsentEvents()).extracting(PendingEvent::type).containsExactly("override_replaced");
    assertThat(edge.journal.unsentEvents().get(0).payload()).contains("\"replaced_by\":\"minsoc-20\"");
  }

  @Test
  void a_replaced_hold_stays_replaced_across_a_restart_and_its_event_is_kept_to_send() {
    edge.send(edge.commands.setpoint("sp-first", 20_000).put("hold_sec", 600));
    edge.step();
    edge.send(edge.commands.setpoint("sp-second", 30_000).put("hold_sec", 600));
    edge.step();

    restart();
    edge.step();

    assertThat(edge.cycle.status().holds()).extracting(hold -> hold.commandId()).containsExactly("sp-second");
    assertThat(gateway.model().setpointWatts()).isEqualTo(30_000);
    assertThat(edge.journal.unsentEvents()).extracting(PendingEvent::type).containsExactly("hold_replaced");
    assertThat(edge.journal.unsentEvents().get(0).payload()).contains("\"replaced_by\":\"sp-second\"");
  }

  @Test
  void a_restart_command_is_acked_executed_once_the_agent_is_back() {
    edge.send(edge.commands.system("restart-1", "restart"));
    edge.step();
    assertThat(edge.systemActions).containsExactly("restart:restart-1");
    assertThat(edge.statusesFor("restart-1")).containsExactly(AckStatus.DELIVERED);
    assertThat(edge.events("restarting")).hasSize(1);

    restart();

    assertThat(edge.resultFor("restart-1").status()).isEqualTo(AckStatus.EXECUTED);
  }

  @Test
  void a_message_that_is_not_json_is_dropped_without_an_ack() {
    edge.send("{not json");

    assertThat(edge.acks).isEmpty();
  }

  @Test
  void a_schema_violation_with_a_command_id_is_rejected_and_remembered() {
    String bad = "{\"command_id\":\"bad-1\",\"command_type\":\"setpoint\","
        + "\"target\":{\"edge_id\":\"site1_edge_prod\"}}";
    edge.send(bad);
    edge.send(bad);

    assertThat(edge.statusesFor("bad-1")).containsExactly(AckStatus.REJECTED, AckStatus.REJECTED);
    assertThat(edge.resultFor("bad-1").error().code()).isEqualTo("schema_violation");
  }

  @Test
  void a_command_for_another_edge_is_rejected() {
    var command = edge.commands.setpoint("other-edge", 1000);
    ((com.fasterxml.jackson.databind.node.ObjectNode) command.get("target")).put("edge_id", "site2_edge_prod");
    edge.send(command);

    assertThat(edge.resultFor("other-edge").error().code()).isEqualTo("unknown_edge");
  }

  @Test
  void commands_arriving_before_the_recovery_ran_keep_their_order_and_run_once() {
    edge.send(edge.commands.setpoint("sp-before-crash", 10_000));
    edge.send(edge.commands.modeChange("mode-before-crash", "peak_shaving", "on"));
    edge.close();
    edge = new EdgeHarness(directory, gateway, clock);
    edge.send(edge.commands.modeChange("mode-before-crash", "peak_shaving", "on"));
    edge.send(edge.commands.setpoint("sp-after-restart", 20_000));

    edge.recover();
    edge.step();

    assertThat(edge.resultFor("sp-before-crash").status()).isEqualTo(AckStatus.SUPERSEDED);
    assertThat(edge.statusesFor("mode-before-crash")).containsExactly(AckStatus.DELIVERED, AckStatus.EXECUTED);
    assertThat(edge.resultFor("sp-after-restart").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(gateway.model().setpointWatts()).isEqualTo(20_000);
    assertThat(gateway.setpointWrites()).isEqualTo(1);
  }

  @Test
  void a_config_fetch_cut_short_by_a_restart_is_answered_outcome_unknown() {
    edge.send(edge.commands.system("sync-1", "sync_config"));
    edge.step();
    assertThat(edge.systemActions).containsExactly("sync_config:sync-1");

    restart();

    assertThat(edge.resultFor("sync-1").error().code()).isEqualTo("outcome_unknown");
    assertThat(edge.resultFor("sync-1").error().message()).contains("config version 1");
  }
}
