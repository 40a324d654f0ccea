package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invariants 2, 3 and 4 against the cloud-api dying: the node is SIGKILLed with commands queued
 * for an offline edge, with commands on their way through the broker and the edge, or with a
 * delivery timer pending, and started again. PostgreSQL is the record: every accepted command is
 * still there, is sent when the edge is back and ends executed with one device write, and a
 * pending timer fires once after the restart.
 */
class CloudRestartTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_cloud_restart";

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "CloudRestartTest"), EDGE, true);
  }

  @AfterEach
  void edgeOffline() {
    site.link().restore();
    site.simulator().setResponseDelay(Duration.ZERO);
    site.agent().terminate();
  }

  @Test
  void commands_queued_for_an_offline_edge_survive_a_cloud_kill_and_run_when_the_edge_returns() {
    site.agent().terminate();
    Batch batch = new Batch(site, audit);
    for (WritableChannel channel : WritableChannel.values()) {
      CloudClient.Answer answer = node.api().submit(batch.setpoint("queued-" + channel.name(), channel, 600));

      assertThat(answer.accepted()).as("%s", answer).isTrue();
      assertThat(answer.body().path("status").asText()).isIn("accepted", "queued");
    }
    await().atMost(PRESENCE).until(() -> batch.commandIds().stream()
        .allMatch(id -> audit.find(id).map(record -> record.status().equals("queued")).orElse(false)));

    node.process().restart();
    site.agent().start();

    batch.assertAllExecutedOnce();
  }

  @Test
  void commands_in_flight_when_the_cloud_dies_end_executed_once() {
    site.agent().start();
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    // A slow device keeps the commands inside the edge while the cloud dies.
    site.simulator().setResponseDelay(Duration.ofMillis(200));
    Batch batch = new Batch(site, audit);
    for (WritableChannel channel : WritableChannel.values()) {
      assertThat(node.api().submit(batch.setpoint("in-flight-" + channel.name(), channel, 600)).accepted()).isTrue();
    }
    node.process().kill();
    assertThat(batch.commandIds()).as("in flight when the cloud died")
        .allMatch(id -> audit.find(id).map(record -> !record.terminal()).orElse(false));
    node.process().start();

    batch.assertAllExecutedOnce();
  }

  @Test
  void a_delivery_timer_pending_when_the_cloud_dies_fires_once_after_the_restart() {
    site.agent().start();
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    site.link().stall();
    Batch batch = new Batch(site, audit);
    assertThat(node.api().submit(batch.setpoint("pending-timer", WritableChannel.REACTIVE_POWER, 600)).accepted())
        .isTrue();
    await().atMost(PRESENCE).until(() -> audit.find("pending-timer").map(r -> r.status().equals("sent")).orElse(false));

    node.process().restart();
    batch.assertEnds("pending-timer", "timeout");
    site.link().restore();

    CommandAudit.Record record = await("late result").atMost(Batch.SETTLE)
        .until(() -> audit.find("pending-timer").orElseThrow(), r -> !r.lateResult().isMissingNode());
    audit.assertSound("pending-timer");
    assertThat(audit.eventCount("pending-timer", "timeout")).isEqualTo(1);
    assertThat(record.lateResult().path("status").asText()).isEqualTo("executed");
    batch.assertWritesMatchOutcomes();
  }
}
