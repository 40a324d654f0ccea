package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.edge.FaultPoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invariants 1 and 9 at their limits, over processes: a full outbox is a refusal the sender sees
 * (nothing accepted is dropped), and a command the edge confirmed but never finished (the agent
 * died between its intent and the device write, and stays down) is ended by the cloud at its
 * deadline plus the grace, as failed with {@code outcome_unknown}, once.
 */
class BoundsAndDeadlinesTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_bounds";
  static final int OUTBOX_CAPACITY = 2;
  static final int SHORT_EXPIRY_SEC = 4;

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "BoundsAndDeadlinesTest")
        .cloudSetting("DISPATCH_OUTBOX_CAPACITY", Integer.toString(OUTBOX_CAPACITY))
        .cloudSetting("DISPATCH_RESULT_GRACE_SEC", "1"), EDGE, false);
  }

  @AfterEach
  void edgeOffline() {
    site.agent().terminate();
    site.agent().environment(FaultPoints.HALT_AT_SETTING, null);
  }

  @Test
  void a_full_outbox_refuses_the_next_command_and_keeps_every_accepted_one() {
    Batch batch = new Batch(site, audit);
    assertThat(node.api().submit(batch.setpoint("outbox-1", WritableChannel.REACTIVE_POWER, 600)).accepted()).isTrue();
    assertThat(node.api().submit(batch.setpoint("outbox-2", WritableChannel.SOC_RESERVE, 600)).accepted()).isTrue();
    await().atMost(PRESENCE).until(() -> batch.commandIds().stream()
        .allMatch(id -> audit.find(id).map(record -> record.status().equals("queued")).orElse(false)));

    CloudClient.Answer refused = node.api().submit(WritableChannel.PV_LIMIT.setpoint("outbox-3", EDGE, 50, 600));

    assertThat(refused.status()).as("%s", refused).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("outbox_full");
    assertThat(refused.body().path("error").path("message").asText()).contains(EDGE);
    assertThat(audit.find("outbox-3")).isEmpty();
    site.agent().start();
    batch.assertAllExecutedOnce();
  }

  @Test
  void a_delivered_command_without_a_result_fails_once_at_its_deadline_plus_grace() {
    site.agent().environment(FaultPoints.HALT_AT_SETTING, FaultPoints.AFTER_INTENT).start();
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    Batch batch = new Batch(site, audit);
    assertThat(node.api().submit(batch.setpoint("no-result", WritableChannel.REACTIVE_POWER, SHORT_EXPIRY_SEC))
        .accepted()).isTrue();
    assertThat(site.agent().awaitExit(PRESENCE)).isEqualTo(FaultPoints.HALT_EXIT_CODE);

    CommandAudit.Record record = batch.assertEnds("no-result", "failed");

    assertThat(record.events()).extracting(CommandAudit.Event::status).contains("delivered");
    assertThat(record.errorCode()).isEqualTo("outcome_unknown");
    site.agent().environment(FaultPoints.HALT_AT_SETTING, null).start();
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    audit.assertSound("no-result");
    batch.assertWritesMatchOutcomes();
  }
}
