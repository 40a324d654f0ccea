package energy.dispatch.edge.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.edge.control.Controllers;
import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.journal.JournalException;
import energy.dispatch.edge.journal.ParameterOverride;
import energy.dispatch.edge.journal.PendingEvent;
import energy.dispatch.edge.state.CycleLateness;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.testing.EdgeHarness;
import energy.dispatch.edge.testing.FakeClock;
import energy.dispatch.edge.testing.SiteModelGateway;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import energy.dispatch.simulator.SiteModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Core Cycle and its controllers against the site model, on a fake clock, one second per cycle. */
class CycleReplayTest {

  @TempDir
  Path directory;

  private EdgeHarness edge;

  @AfterEach
  void close() {
    if (edge != null) {
      edge.close();
    }
  }

  private EdgeHarness start(SiteModel model) {
    edge = new EdgeHarness(directory, new SiteModelGateway(model), FakeClock.at("2026-02-15T14:30:00Z"));
    return edge;
  }

  private static SiteModel site(double capacityWh, double socPercent, double loadWatts, double pvWatts) {
    SiteModel model = new SiteModel(capacityWh, 100_000, 100_000, socPercent);
    model.setLoadWatts(loadWatts);
    model.setPvWatts(pvWatts);
    return model;
  }

  @Test
  void peak_shaving_holds_grid_import_at_the_limit_until_soc_reaches_min_soc() {
    SiteModel model = site(20_000, 20, 70_000, 0);
    start(model);
    edge.send(edge.commands.modeChange("ps-on", "peak_shaving", "on"));
    edge.cycle();
    assertThat(edge.resultFor("ps-on").status()).isEqualTo(AckStatus.EXECUTED);

    int cycles = 0;
    while (model.socPercent() > 10.05 && cycles++ < 3_600) {
      assertThat(model.gridPowerWatts()).isEqualTo(50_000);
      edge.step();
    }
    for (int i = 0; i < 10; i++) {
      edge.step();
    }

    assertThat(cycles).isBetween(300, 3_600);
    assertThat(model.socPercent()).isBetween(9.9, 10.05);
    assertThat(model.batteryPowerWatts()).isZero();
    assertThat(model.gridPowerWatts()).isEqualTo(70_000);
  }

  @Test
  void peak_shaving_recharges_below_the_recharge_limit() {
    SiteModel model = site(200_000, 50, 10_000, 0);
    start(model);
    edge.send(edge.commands.modeChange("ps-on", "peak_shaving", "on"));
    edge.step();

    assertThat(model.batteryPowerWatts()).isEqualTo(20_000);
    assertThat(model.gridPowerWatts()).isEqualTo(30_000);
  }

  @Test
  void balancing_drives_grid_power_to_zero() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));
    edge.step();

    assertThat(model.gridPowerWatts()).isZero();
    assertThat(model.batteryPowerWatts()).isEqualTo(-25_000);
  }

  @Test
  void a_setpoint_holds_its_channel_against_balancing_until_the_hold_ends() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));
    edge.step();
    edge.send(edge.commands.setpoint("sp-50k", 50_000).put("hold_sec", 60));
    edge.step();

    assertThat(edge.statusesFor("sp-50k")).containsExactly(AckStatus.DELIVERED, AckStatus.EXECUTED);
    for (int second = 1; second < 60; second++) {
      assertThat(model.setpointWatts()).as("second %d of the hold", second).isEqualTo(50_000);
      edge.step();
    }
    edge.step();

    assertThat(edge.events(StateEvent.HOLD_ENDED)).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("command_id", "sp-50k"));
    assertThat(model.gridPowerWatts()).isZero();
    assertThat(edge.site.holds().all()).isEmpty();
  }

  @Test
  void a_null_setpoint_releases_the_hold_and_the_controllers_take_the_channel_back() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));
    edge.send(edge.commands.setpoint("sp-50k", 50_000));
    edge.step();
    assertThat(model.setpointWatts()).isEqualTo(50_000);

    edge.send(edge.commands.setpoint("sp-release", null));
    edge.step();

    assertThat(edge.resultFor("sp-release").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.events(StateEvent.HOLD_RELEASED)).hasSize(1);
    assertThat(model.gridPowerWatts()).isZero();
  }

  @Test
  void a_release_commits_with_its_hold_released_event_and_neither_happens_when_the_event_cannot_be_journaled() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.send(edge.commands.setpoint("sp-held", 20_000));
    edge.step();
    edge.eventJournalFailure = new JournalException("disk full");

    edge.send(edge.commands.setpoint("sp-release-1", null));
    edge.step();

    assertThat(edge.resultFor("sp-release-1").status()).isEqualTo(AckStatus.FAILED);
    assertThat(edge.journal.holds()).extracting(Hold::commandId).containsExactly("sp-held");
    assertThat(edge.site.holds().all()).extracting(Hold::commandId).containsExactly("sp-held");
    assertThat(edge.journal.unsentEvents()).isEmpty();

    edge.eventJournalFailure = null;
    edge.send(edge.commands.setpoint("sp-release-2", null));
    edge.step();

    assertThat(edge.resultFor("sp-release-2").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.journal.holds()).isEmpty();
    assertThat(edge.journal.unsentEvents()).extracting(PendingEvent::type).containsExactly(StateEvent.HOLD_RELEASED);
    assertThat(edge.events(StateEvent.HOLD_RELEASED)).singleElement().satisfies(event -> assertThat(event.details())
        .containsEntry("command_id", "sp-held").containsEntry("released_by", "sp-release-2"));
  }

  @Test
  void a_second_setpoint_on_a_held_channel_replaces_the_first_hold_which_ends_with_hold_replaced_naming_it() {
    SiteModel model = heldBySpFirst();

    sendSpSecond();

    assertThat(edge.resultFor("sp-second").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.events(StateEvent.HOLD_REPLACED)).singleElement().satisfies(event -> assertThat(event.details())
        .containsEntry("channel", "bms_main/SetActivePower").containsEntry("command_id", "sp-first")
        .containsEntry("held_value", 20_000.0).containsEntry("until", "2026-02-15T14:40:01Z")
        .containsEntry("replaced_by", "sp-second").containsEntry("value", 30_000.0));
    assertThat(edge.journal.unsentEvents()).extracting(PendingEvent::type).containsExactly(StateEvent.HOLD_REPLACED);
    assertThat(edge.journal.holds()).extracting(Hold::commandId).containsExactly("sp-second");
    assertThat(model.setpointWatts()).isEqualTo(30_000);

    edge.step(Duration.ofSeconds(600));

    assertThat(edge.events(StateEvent.HOLD_ENDED)).as("only the hold in force ends")
        .singleElement().satisfies(event -> assertThat(event.details()).containsEntry("command_id", "sp-second"));
  }

  @Test
  void a_second_setpoint_whose_replaced_event_cannot_be_journaled_fails_and_the_first_hold_stays_in_force() {
    SiteModel model = heldBySpFirst();
    edge.eventJournalFailure = new JournalException("disk full");

    sendSpSecond();

    assertThat(edge.resultFor("sp-second").status()).isEqualTo(AckStatus.FAILED);
    assertThat(edge.resultFor("sp-second").error().message()).contains("disk full");
    assertThat(edge.journal.holds()).extracting(Hold::commandId).containsExactly("sp-first");
    assertThat(edge.site.holds().all()).extracting(Hold::commandId).containsExactly("sp-first");
    assertThat(edge.journal.unsentEvents()).isEmpty();
    assertThat(model.setpointWatts()).as("the cycle writes the hold in force back").isEqualTo(20_000);
  }

  @Test
  void a_hold_whose_end_cannot_be_journaled_stays_in_force_and_the_cycle_still_runs_its_commands() {
    SiteModel model = heldBySpFirst();
    edge.eventJournalFailure = new JournalException("disk full");
    edge.step(Duration.ofSeconds(600));
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));

    edge.step();

    assertThat(edge.resultFor("bal-start").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.site.holds().all()).extracting(Hold::commandId).containsExactly("sp-first");
    assertThat(model.setpointWatts()).isEqualTo(20_000);

    edge.eventJournalFailure = null;
    edge.step();

    assertThat(edge.events(StateEvent.HOLD_ENDED)).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("command_id", "sp-first"));
    assertThat(edge.site.holds().all()).isEmpty();
  }

  /** A site whose battery setpoint {@code sp-first} holds at 20 kW for 600 s. */
  private SiteModel heldBySpFirst() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.setpoint("sp-first", 20_000).put("hold_sec", 600));
    edge.step();
    return model;
  }

  /** A second setpoint on the channel {@code sp-first} holds: 30 kW for 60 s. */
  private void sendSpSecond() {
    edge.send(edge.commands.setpoint("sp-second", 30_000).put("hold_sec", 60));
    edge.step();
  }

  @Test
  void with_no_controller_running_the_battery_idles_once_its_hold_ends() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.setpoint("sp-short", 30_000).put("hold_sec", 5));
    edge.step();
    assertThat(model.setpointWatts()).isEqualTo(30_000);

    edge.step(Duration.ofSeconds(5));

    assertThat(model.setpointWatts()).isZero();
  }

  @Test
  void emergency_is_applied_at_once_and_supersedes_what_is_queued_for_the_channel() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.cycle();
    edge.send(edge.commands.setpoint("sp-normal", 30_000));
    edge.send(edge.commands.setpoint("sp-high", 40_000).put("priority", "high"));
    edge.send(edge.commands.setpoint("sp-emergency", -10_000).put("priority", "emergency"));

    assertThat(model.setpointWatts()).as("applied before the next cycle").isEqualTo(-10_000);
    assertThat(edge.resultFor("sp-normal").status()).isEqualTo(AckStatus.SUPERSEDED);
    assertThat(edge.resultFor("sp-high").status()).isEqualTo(AckStatus.SUPERSEDED);
    assertThat(edge.resultFor("sp-emergency").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.gateway.setpointWrites()).isEqualTo(1);
  }

  @Test
  void a_newer_setpoint_supersedes_an_older_queued_one() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.setpoint("sp-old", 10_000));
    edge.send(edge.commands.setpoint("sp-new", 20_000));
    edge.step();

    assertThat(edge.resultFor("sp-old").status()).isEqualTo(AckStatus.SUPERSEDED);
    assertThat(edge.resultFor("sp-old").error().code()).isEqualTo("superseded_by_newer");
    assertThat(edge.resultFor("sp-new").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(model.setpointWatts()).isEqualTo(20_000);
  }

  @Test
  void higher_priorities_apply_first_and_equal_ones_in_arrival_order() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.send(edge.commands.override("n1", "peak_shaving", "PeakLimit", 40_000, 600));
    edge.send(edge.commands.modeChange("h1", "peak_shaving", "on").put("priority", "high"));
    edge.send(edge.commands.scheduler("n2", "balancing", "start"));
    edge.cycle();

    assertThat(edge.acks.stream().filter(ack -> ack.status() == AckStatus.EXECUTED).map(Ack::commandId))
        .containsExactly("h1", "n1", "n2");
  }

  @Test
  void a_full_queue_answers_queue_full() {
    edge = new EdgeHarness(directory, new SiteModelGateway(site(200_000, 50, 0, 0)),
        FakeClock.at("2026-02-15T14:30:00Z"), 2);
    edge.send(edge.commands.modeChange("q1", "peak_shaving", "on"));
    edge.send(edge.commands.scheduler("q2", "balancing", "start"));
    edge.send(edge.commands.scheduler("q3", "balancing", "stop"));

    assertThat(edge.resultFor("q3").status()).isEqualTo(AckStatus.REJECTED);
    assertThat(edge.resultFor("q3").error().code()).isEqualTo("queue_full");
    assertThat(edge.queue.depth()).isEqualTo(2);
  }

  @Test
  void a_setpoint_that_the_min_soc_guard_limits_is_acked_with_what_was_applied() {
    SiteModel model = site(200_000, 10, 40_000, 0);
    start(model);
    edge.send(edge.commands.setpoint("sp-discharge", -30_000));
    edge.step();

    Ack result = edge.resultFor("sp-discharge");
    assertThat(result.status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(result.appliedValue().asDouble()).isZero();
    assertThat(result.limitedBy()).isEqualTo("min_soc");
    assertThat(model.setpointWatts()).isZero();
  }

  @Test
  void a_setpoint_while_the_state_of_charge_is_unknown_is_acked_with_the_battery_idle() {
    SiteModel model = site(200_000, 50, 40_000, 0);
    start(model);
    edge.gateway.socUnreadable(true);
    edge.step();
    edge.send(edge.commands.setpoint("sp-blind", -30_000));
    edge.step();

    Ack result = edge.resultFor("sp-blind");
    assertThat(result.status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(result.appliedValue().asDouble()).isZero();
    assertThat(result.limitedBy()).isEqualTo("soc_unknown");
    assertThat(model.setpointWatts()).isZero();
  }

  @Test
  void balancing_idles_the_battery_while_its_state_of_charge_is_unknown_and_resumes_once_it_is_read() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));
    edge.step();
    assertThat(model.batteryPowerWatts()).isEqualTo(-25_000);

    edge.gateway.socUnreadable(true);
    edge.step();
    edge.step();
    assertThat(model.batteryPowerWatts()).isZero();

    edge.gateway.socUnreadable(false);
    edge.step();
    edge.step();
    assertThat(model.batteryPowerWatts()).isEqualTo(-25_000);
  }

  @Test
  void a_setpoint_the_register_holds_only_rounded_is_acked_with_the_value_it_holds() {
    SiteModel model = new SiteModel(200_000, 50_000, 100_000, 50);
    start(model);
    edge.gateway.roundSetpointTo(1.0);
    edge.send(edge.commands.setpoint("sp-half", 0.5));
    edge.step();

    Ack result = edge.resultFor("sp-half");
    assertThat(result.status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(result.appliedValue().asDouble()).isEqualTo(1.0);
    assertThat(result.limitedBy()).isEqualTo("register_resolution");
  }

  @Test
  void a_setpoint_above_the_batterys_charge_power_is_limited_to_it() {
    SiteModel model = new SiteModel(200_000, 50_000, 100_000, 50);
    start(model);
    edge.send(edge.commands.setpoint("sp-big", 80_000));
    edge.step();

    Ack result = edge.resultFor("sp-big");
    assertThat(result.appliedValue().asDouble()).isEqualTo(50_000);
    assertThat(result.limitedBy()).isEqualTo("max_charge_power");
    assertThat(model.setpointWatts()).isEqualTo(50_000);
  }

  @Test
  void a_held_discharge_yields_to_min_soc_when_the_battery_gets_there() {
    SiteModel model = site(10_000, 10.5, 40_000, 0);
    start(model);
    edge.send(edge.commands.setpoint("sp-discharge", -20_000));
    for (int i = 0; i < 30; i++) {
      edge.step();
    }

    assertThat(edge.resultFor("sp-discharge").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(model.setpointWatts()).isZero();
    assertThat(edge.events(StateEvent.HOLD_LIMITED)).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("limited_by", "min_soc"));
  }

  @Test
  void a_command_past_its_expiry_is_acked_expired_and_never_written() {
    SiteModel model = site(200_000, 50, 40_000, 0);
    start(model);
    edge.send(edge.commands.setpoint("sp-late", 30_000).put("expires_at", "2026-02-15T14:29:00Z"));
    edge.step();

    assertThat(edge.statusesFor("sp-late")).containsExactly(AckStatus.EXPIRED);
    assertThat(edge.gateway.setpointWrites()).isZero();
  }

  @Test
  void a_command_whose_message_expiry_runs_out_in_the_queue_is_expired_before_the_write() {
    SiteModel model = site(200_000, 50, 40_000, 0);
    start(model);
    edge.sendWithMessageExpiry(edge.commands.setpoint("sp-msg", 30_000).put("expires_at", "2026-02-16T00:00:00Z"), 2);
    edge.clock.advance(Duration.ofSeconds(3));
    edge.cycle();

    assertThat(edge.statusesFor("sp-msg")).containsExactly(AckStatus.DELIVERED, AckStatus.EXPIRED);
    assertThat(edge.resultFor("sp-msg").error().code()).isEqualTo("deadline_passed");
    assertThat(edge.gateway.setpointWrites()).isZero();
  }

  @Test
  void a_device_error_fails_only_its_command_and_the_cycle_goes_on() {
    SiteModel model = site(200_000, 50, 40_000, 0);
    start(model);
    edge.gateway.failNextWrite(ErrorDetail.modbusException(4, "server device failure"));
    edge.send(edge.commands.setpoint("sp-fails", 30_000));
    edge.send(edge.commands.modeChange("ps-on", "peak_shaving", "on"));
    edge.step();
    edge.send(edge.commands.setpoint("sp-works", 20_000));
    edge.step();

    assertThat(edge.resultFor("sp-fails").status()).isEqualTo(AckStatus.FAILED);
    assertThat(edge.resultFor("sp-fails").error().code()).isEqualTo("modbus_exception:04");
    assertThat(edge.resultFor("ps-on").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.resultFor("sp-works").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(model.setpointWatts()).isEqualTo(20_000);
  }

  @Test
  void an_unreachable_battery_fails_its_setpoint_with_device_unreachable() {
    start(site(200_000, 50, 40_000, 0));
    edge.gateway.batteryUnreachable(true);
    edge.send(edge.commands.setpoint("sp-unreachable", 30_000));
    edge.step();

    assertThat(edge.resultFor("sp-unreachable").error().code()).isEqualTo("device_unreachable");
    assertThat(edge.site.holds().all()).isEmpty();
  }

  @Test
  void a_device_down_at_start_is_reported_unreachable_once_and_reachable_once_it_answers() {
    start(site(200_000, 50, 40_000, 0));
    edge.gateway.batteryUnreachable(true);
    stepSeconds(5);

    assertThat(edge.events(StateEvent.DEVICE_UNREACHABLE)).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("device_id", "bms_main")
            .containsEntry("reason", "bms_main does not answer"));
    assertThat(edge.cycle.status().devices().get("bms_main").reachable()).isFalse();
    assertThat(edge.cycle.status().devices().get("bms_main").since()).isEqualTo("2026-02-15T14:30:01Z");
    assertThat(edge.cycle.status().devices().get("grid_meter").reachable()).isTrue();

    edge.gateway.batteryUnreachable(false);
    stepSeconds(5);

    assertThat(edge.events(StateEvent.DEVICE_REACHABLE)).singleElement()
        .satisfies(event -> assertThat(event.details()).containsEntry("device_id", "bms_main")
            .containsEntry("unreachable_since", "2026-02-15T14:30:01Z"));
    assertThat(edge.events(StateEvent.DEVICE_UNREACHABLE)).hasSize(1);
    assertThat(edge.cycle.status().devices().get("bms_main").reachable()).isTrue();
    assertThat(edge.cycle.status().devices().get("bms_main").reason()).isNull();
  }

  private void stepSeconds(int seconds) {
    for (int i = 0; i < seconds; i++) {
      edge.step();
    }
  }

  @Test
  void a_config_override_reverts_by_itself_and_the_revert_is_reported() {
    SiteModel model = site(20_000, 12, 70_000, 0);
    start(model);
    edge.send(edge.commands.modeChange("ps-on", "peak_shaving", "on"));
    edge.send(edge.commands.override("minsoc-15", "min_soc", "MinSoc", 15, 60));
    edge.step();
    assertThat(model.batteryPowerWatts()).as("12 %% is below the overridden MinSoc").isZero();

    edge.step(Duration.ofSeconds(60));

    assertThat(edge.events(StateEvent.OVERRIDE_REVERTED)).singleElement().satisfies(event -> assertThat(
        event.details()).containsEntry("command_id", "minsoc-15").containsEntry("parameter", "MinSoc"));
    edge.step();
    assertThat(model.batteryPowerWatts()).as("back to MinSoc 10 %%: peak shaving discharges").isEqualTo(-20_000);
  }

  @Test
  void a_second_override_of_a_parameter_replaces_the_first_which_ends_with_override_replaced_naming_it() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.send(edge.commands.override("pl-first", "peak_shaving", "PeakLimit", 45_000, 600));
    edge.step();

    edge.send(edge.commands.override("pl-second", "peak_shaving", "PeakLimit", 40_000, 60));
    edge.step();

    assertThat(edge.resultFor("pl-second").status()).isEqualTo(AckStatus.EXECUTED);
    assertThat(edge.events(StateEvent.OVERRIDE_REPLACED)).singleElement().satisfies(event -> assertThat(
        event.details()).containsEntry("command_id", "pl-first").containsEntry("replaced_by", "pl-second")
        .containsEntry("parameter", "PeakLimit"));
    assertThat(edge.journal.unsentEvents()).extracting(PendingEvent::type)
        .containsExactly(StateEvent.OVERRIDE_REPLACED);
    assertThat(edge.journal.overrides()).extracting(ParameterOverride::commandId).containsExactly("pl-second");

    edge.step(Duration.ofSeconds(600));

    assertThat(edge.events(StateEvent.OVERRIDE_REVERTED)).as("only the override in force reverts")
        .singleElement().satisfies(event -> assertThat(event.details()).containsEntry("command_id", "pl-second"));
  }

  @Test
  void a_second_override_whose_replaced_event_cannot_be_journaled_fails_and_the_first_stays_in_force() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.send(edge.commands.override("pl-first", "peak_shaving", "PeakLimit", 45_000, 600));
    edge.step();
    edge.eventJournalFailure = new JournalException("disk full");

    edge.send(edge.commands.override("pl-second", "peak_shaving", "PeakLimit", 40_000, 60));
    edge.step();

    assertThat(edge.resultFor("pl-second").status()).isEqualTo(AckStatus.FAILED);
    assertThat(edge.journal.overrides()).extracting(ParameterOverride::commandId).containsExactly("pl-first");
    assertThat(edge.cycle.status().overrides()).extracting(ParameterOverride::commandId).containsExactly("pl-first");
    assertThat(edge.journal.unsentEvents()).isEmpty();
  }

  @Test
  void scheduler_stop_takes_a_controller_out_of_the_run_list() {
    SiteModel model = site(200_000, 50, 40_000, 15_000);
    start(model);
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));
    edge.step();
    assertThat(model.gridPowerWatts()).isZero();

    edge.send(edge.commands.scheduler("bal-stop", "balancing", "stop"));
    edge.step();

    assertThat(model.batteryPowerWatts()).isZero();
    assertThat(edge.cycle.status().controllers().get("balancing").toString()).contains("enabled=false");
  }

  @Test
  void the_status_reports_holds_overrides_queue_and_cycle_measurements() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.send(edge.commands.setpoint("sp-held", 10_000));
    edge.send(edge.commands.override("pl", "peak_shaving", "PeakLimit", 45_000, 600));
    edge.step();

    var status = edge.cycle.status();
    assertThat(status.configVersion()).isEqualTo(1);
    assertThat(status.holds()).singleElement().satisfies(hold -> assertThat(hold.commandId()).isEqualTo("sp-held"));
    assertThat(status.overrides()).singleElement().satisfies(o -> assertThat(o.parameter()).isEqualTo("PeakLimit"));
    assertThat(status.queueDepth()).isZero();
    assertThat(status.lastCycleMs()).isGreaterThanOrEqualTo(0);
    assertThat(status.cycleOverruns()).isZero();
  }

  @Test
  void a_cycle_longer_than_its_period_counts_as_an_overrun() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.step();
    edge.gateway.beforeRead(() -> edge.clock.advance(Duration.ofMillis(1_500)));
    edge.step();
    edge.step();

    assertThat(edge.cycle.status().cycleOverruns()).isEqualTo(2);
    assertThat(edge.cycle.status().lastCycleMs()).isEqualTo(1_500);
    assertThat(edge.cycle.stats().cycles()).isEqualTo(3);
  }

  @Test
  void a_cycle_that_starts_after_its_due_time_reports_how_late_it_started() {
    start(site(200_000, 50, 40_000, 15_000));
    long dueNanos = edge.clock.nanos();
    edge.clock.advance(Duration.ofMillis(7));
    edge.cycle.runOnce(dueNanos);
    edge.cycle.runOnce();

    CycleLateness lateness = edge.cycle.status().cycleStartLateness();
    assertThat(lateness.samples()).isEqualTo(2);
    assertThat(lateness.maxMs()).isEqualTo(7);
    assertThat(lateness.p99Ms()).isCloseTo(7, within(0.07));
    assertThat(lateness.p50Ms()).isZero();
    assertThat(edge.cycle.status().cycles()).isEqualTo(2);
  }

  @Test
  void a_write_that_throws_unexpectedly_is_failed_as_outcome_unknown_without_a_hold() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.gateway.throwOnNextWrite(new IllegalStateException("socket closed mid-frame"));
    edge.send(edge.commands.setpoint("sp-defect", 30_000));
    edge.step();

    assertThat(edge.resultFor("sp-defect").status()).isEqualTo(AckStatus.FAILED);
    assertThat(edge.resultFor("sp-defect").error().code()).isEqualTo("outcome_unknown");
    assertThat(edge.site.holds().all()).isEmpty();
  }

  @Test
  void a_command_the_config_no_longer_allows_when_its_turn_comes_is_rejected() throws Exception {
    start(site(200_000, 50, 40_000, 15_000));
    edge.send(edge.commands.scheduler("bal-start", "balancing", "start"));
    edge.send(edge.commands.setpoint("sp-next", 10_000));
    ObjectNode document = (ObjectNode) Json.mapper().readTree(EdgeHarness.DEMO_CONFIG.toFile());
    document.put("version", 2).withArray("controllers").remove(0);
    CapabilityConfig withoutBalancing = CapabilityConfig.parse(document);
    edge.site.replace(withoutBalancing, Controllers.of(withoutBalancing, List.of(), List.of()));
    edge.step();

    assertThat(edge.resultFor("bal-start").status()).isEqualTo(AckStatus.REJECTED);
    assertThat(edge.resultFor("bal-start").error().code()).isEqualTo("unknown_controller");
    assertThat(edge.resultFor("sp-next").status()).isEqualTo(AckStatus.EXECUTED);
  }

  @Test
  void a_handler_that_throws_fails_its_command_as_internal_and_the_next_one_runs() {
    start(site(200_000, 50, 40_000, 15_000));
    edge.systemActionFailure = new IllegalStateException("restart thread could not start");
    edge.send(edge.commands.system("restart-broken", "restart"));
    edge.send(edge.commands.modeChange("ps-on", "peak_shaving", "on"));
    edge.step();

    assertThat(edge.resultFor("restart-broken").error().code()).isEqualTo("internal");
    assertThat(edge.resultFor("restart-broken").error().message()).contains("restart thread could not start");
    assertThat(edge.resultFor("ps-on").status()).isEqualTo(AckStatus.EXECUTED);
  }
}
