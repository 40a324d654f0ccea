package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.edge.FaultPoints;
import energy.dispatch.launcher.fault.EdgeKillTrials.Result;
import energy.dispatch.launcher.fault.EdgeKillTrials.Trial;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Invariant 2 (at-least-once delivery, at-most-once execution) against the edge dying: the agent
 * process halts at a named point of its command path, or is SIGKILLed from outside at a seeded
 * random moment, and starts again on the same journal and MQTT session. Every command ends in
 * exactly one terminal state, executed or failed with {@code outcome_unknown}, and the simulated
 * device is never written twice. The broker and the cloud-api run as processes too. The delivery
 * timer is set long here: these tests are about execution, not about the timer.
 */
class EdgeKillTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_kill";
  static final Duration SETTLE = Duration.ofSeconds(90);
  /** Trials of the seeded random variant in every build; {@code EdgeKillBenchmark} runs 100 or more. */
  static final int TRIALS = Integer.getInteger("dispatch.fault.trials", 3);
  static final long SEED = Long.getLong("dispatch.fault.seed", 20_260_215L);

  static CloudClient api;

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "EdgeKillTest").cloudSetting("DISPATCH_DELIVERY_TIMEOUT_SEC", "120"), EDGE,
        false);
    api = node.api();
  }

  @AfterEach
  void stopAgent() {
    site.agent().terminate();
    site.agent().environment(FaultPoints.HALT_AT_SETTING, null).environment(FaultPoints.HALT_AFTER_N_SETTING, null);
  }

  @ParameterizedTest(name = "killed {0} (passage {1}): {2}, written {3} time(s)")
  @CsvSource({
      "after_receipt,      1, executed, 1",
      "after_intent,       1, failed,   0",
      "after_device_write, 1, executed, 1",
      "before_ack,         1, executed, 1",
      "before_ack,         2, executed, 1",
  })
  void edge_killed_at_a_named_point_settles_the_command_once_after_restart(String point, int passage,
      String expectedStatus, int expectedWrites) {
    String commandId = "kill-" + point + "-" + passage;
    WritableChannel channel = WritableChannel.REACTIVE_POWER;
    int writesBefore = channel.writes(site.simulator());
    PartProcess agent = site.agent().environment(FaultPoints.HALT_AT_SETTING, point)
        .environment(FaultPoints.HALT_AFTER_N_SETTING, Integer.toString(passage)).start();

    assertThat(api.submit(channel.setpoint(commandId, EDGE, channel.value(commandId.hashCode()), 600)).accepted())
        .isTrue();
    assertThat(agent.awaitExit(SETTLE)).isEqualTo(FaultPoints.HALT_EXIT_CODE);
    assertThat(agent.printed(Pattern.compile("halting the agent at point=" + point))).isTrue();
    agent.environment(FaultPoints.HALT_AT_SETTING, null).environment(FaultPoints.HALT_AFTER_N_SETTING, null).start();
    CommandAudit.Record record = audit.awaitTerminal(commandId, SETTLE);

    audit.assertSound(commandId);
    assertThat(record.status()).as("%s", record).isEqualTo(expectedStatus);
    if ("failed".equals(expectedStatus)) {
      assertThat(record.errorCode()).isEqualTo("outcome_unknown");
    }
    assertThat(channel.writes(site.simulator()) - writesBefore).as("device writes of %s", record)
        .isEqualTo(expectedWrites);
  }

  @Test
  void edge_killed_at_seeded_random_points_never_loses_or_doubles_a_command() {
    EdgeKillTrials trials = new EdgeKillTrials(site, api, audit);
    Random random = new Random(SEED);
    for (int number = 1; number <= TRIALS; number++) {
      Result result = trials.run(Trial.draw(random, number));

      assertThat(result.violations()).as("trial %s", result.trial()).isEmpty();
      assertThat(result.outcomes()).as("trial %s", result.trial()).allSatisfy(outcome ->
          assertThat(outcome.writes()).isBetween(0, 1));
    }
  }
}
