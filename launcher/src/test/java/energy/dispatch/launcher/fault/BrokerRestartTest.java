package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invariants 2 and 4 against the broker dying: the broker process is SIGKILLed right after a
 * command was accepted, another command is accepted while it is down, and it starts again on the
 * same data folder. The cloud and the edge reconnect by themselves and both commands execute once.
 * A command the broker held for the edge when it died is not timed out for the outage: no ack could
 * reach the cloud meanwhile.
 */
class BrokerRestartTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_broker_restart";
  /** The cloud's default delivery timeout, with a margin for the sweeper's period. */
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(12);

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "BrokerRestartTest"), EDGE, true);
    site.agent().start();
  }

  @AfterEach
  void linkBack() {
    site.link().restore();
  }

  @Test
  void delivery_resumes_after_the_broker_is_killed_and_restarted() {
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    Batch batch = new Batch(site, audit);
    assertThat(node.api().submit(batch.setpoint("before-broker-kill", WritableChannel.REACTIVE_POWER, 600))
        .accepted()).isTrue();

    system.broker().kill();
    CloudClient.Answer duringOutage = node.api().submit(batch.setpoint("during-broker-outage",
        WritableChannel.SOC_RESERVE, 600));
    system.broker().start();

    assertThat(duringOutage.accepted()).as("%s", duringOutage).isTrue();
    batch.assertAllExecutedOnce();
    assertThat(node.api().submit(batch.setpoint("after-broker-restart", WritableChannel.PV_LIMIT, 600))
        .accepted()).isTrue();
    batch.assertAllExecutedOnce();
  }

  @Test
  void a_command_held_by_the_broker_through_an_outage_longer_than_the_delivery_timeout_executes_without_a_timeout() {
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    site.link().stall();
    Batch batch = new Batch(site, audit);
    assertThat(node.api().submit(batch.setpoint("held-through-outage", WritableChannel.REACTIVE_POWER, 600))
        .accepted()).isTrue();
    await().atMost(PRESENCE).until(() -> audit.find("held-through-outage").map(r -> r.status().equals("sent"))
        .orElse(false));
    Instant sentAt = audit.find("held-through-outage").orElseThrow().events().stream()
        .filter(event -> event.status().equals("sent")).findFirst().orElseThrow().at();

    system.broker().kill();
    await("the delivery timeout passes while the broker is down").atMost(DELIVERY_TIMEOUT.multipliedBy(2))
        .until(() -> Instant.now().isAfter(sentAt.plus(DELIVERY_TIMEOUT)));
    site.link().restore();
    system.broker().start();

    batch.assertAllExecutedOnce();
    assertThat(audit.eventCount("held-through-outage", "timeout")).isZero();
  }
}
