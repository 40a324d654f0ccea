package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invariants 5, 6 and 7 against a lost uplink: the edge reaches the broker through a TCP link
 * the test cuts, for longer than the deadline of some commands submitted meanwhile. When the link
 * is back, the fresh commands execute once, the stale ones have expired without a device write,
 * and a setpoint overtaken by a newer one to the same channel is superseded, not replayed.
 */
class EdgeCutOffTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_cut_off";
  static final int SHORT_EXPIRY_SEC = 3;

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "EdgeCutOffTest"), EDGE, true);
    site.agent().start();
  }

  @BeforeEach
  void edgeOnline() {
    site.link().restore();
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
  }

  @AfterEach
  void linkBack() {
    site.link().restore();
  }

  @Test
  void edge_cut_off_past_some_deadlines_runs_the_fresh_expires_the_stale_and_skips_the_superseded() {
    site.link().cut();
    await().atMost(PRESENCE).until(() -> !node.api().edgeOnline(EDGE));
    Batch batch = new Batch(site, audit);
    submit(batch, "cut-fresh", WritableChannel.REACTIVE_POWER, 600);
    submit(batch, "cut-stale", WritableChannel.SOC_RESERVE, SHORT_EXPIRY_SEC);
    submit(batch, "cut-older", WritableChannel.PV_LIMIT, 600);
    submit(batch, "cut-newer", WritableChannel.PV_LIMIT, 600);

    batch.assertEnds("cut-stale", "expired");
    batch.assertEnds("cut-older", "superseded");
    assertThat(site.link().isUp()).as("the deadline passed while the edge was cut off").isFalse();
    site.link().restore();

    batch.assertEnds("cut-fresh", "executed");
    batch.assertEnds("cut-newer", "executed");
    batch.assertWritesMatchOutcomes();
  }

  @Test
  void commands_held_on_a_silent_link_past_their_deadline_are_expired_by_the_edge_without_a_write() {
    // A silent link: the broker still counts the edge present and hands it the commands, which
    // reach the edge only when the link is back, the short one after its deadline.
    site.link().stall();
    Batch batch = new Batch(site, audit);
    submit(batch, "silent-stale", WritableChannel.SOC_RESERVE, SHORT_EXPIRY_SEC);
    submit(batch, "silent-fresh", WritableChannel.REACTIVE_POWER, 600);
    await().atMost(PRESENCE).until(() -> audit.find("silent-stale").map(r -> r.status().equals("sent")).orElse(false));
    CommandAudit.Record stale = audit.find("silent-stale").orElseThrow();
    await().atMost(PRESENCE).until(() -> Instant.now().isAfter(
        Instant.parse(node.api().get("silent-stale").body().path("expires_at").asText())));
    site.link().restore();

    assertThat(stale.status()).isEqualTo("sent");
    batch.assertEnds("silent-stale", "expired");
    batch.assertEnds("silent-fresh", "executed");
    batch.assertWritesMatchOutcomes();
  }

  static void submit(Batch batch, String commandId, WritableChannel channel, int expirySeconds) {
    CloudClient.Answer answer = node.api().submit(batch.setpoint(commandId, channel, expirySeconds));
    assertThat(answer.accepted()).as("%s", answer).isTrue();
  }
}
