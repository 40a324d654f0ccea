package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence against an edge that vanishes without a DISCONNECT: its process is frozen with SIGSTOP,
 * so its connection stays open and silent, and only the broker's keep-alive check can notice. The
 * broker publishes the edge's last will after 1.5 keep-alives, and the cloud marks it offline; a
 * command sent meanwhile waits, and runs once when the edge wakes up and reconnects.
 */
class EdgeVanishesTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_vanishes";
  static final int KEEP_ALIVE_SEC = 4;
  /** The will's way from the broker through the cloud into Redis, and the test's poll of the REST API. */
  static final Duration NOTICE_SLACK = Duration.ofSeconds(3);

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "EdgeVanishesTest"), EDGE, false);
    site.agent().environment("DISPATCH_EDGE_KEEP_ALIVE_SEC", Integer.toString(KEEP_ALIVE_SEC)).start();
  }

  @Test
  void an_edge_frozen_without_a_disconnect_is_offline_within_one_and_a_half_keep_alives_and_catches_up_when_back() {
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));

    site.agent().freeze();
    await("offline within 1.5 keep-alives of " + KEEP_ALIVE_SEC + " s")
        .atMost(Duration.ofMillis(KEEP_ALIVE_SEC * 1_500L).plus(NOTICE_SLACK))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !node.api().edgeOnline(EDGE));

    Batch batch = new Batch(site, audit);
    CloudClient.Answer whileAway = node.api().submit(batch.setpoint("while-frozen", WritableChannel.REACTIVE_POWER,
        600));
    assertThat(whileAway.accepted()).as("%s", whileAway).isTrue();
    await().atMost(PRESENCE).until(() -> audit.find("while-frozen").map(r -> r.status().equals("queued"))
        .orElse(false));

    site.agent().thaw();
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    batch.assertAllExecutedOnce();
  }
}
