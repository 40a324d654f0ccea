package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.launcher.fault.FaultSystem.CloudNode;
import energy.dispatch.launcher.fault.FaultSystem.EdgeSite;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 2 against the broker dying: the broker process is SIGKILLed right after a command was
 * accepted, another command is accepted while it is down, and it starts again on the same data
 * folder. The cloud and the edge reconnect by themselves and both commands execute once.
 */
@Tag("fault")
class BrokerRestartTest {

  static final String EDGE = "site1_edge_broker_restart";
  static final Duration PRESENCE = Duration.ofSeconds(30);

  @TempDir
  static Path folder;
  static FaultSystem system;
  static EdgeSite site;
  static CloudNode node;
  static CommandAudit audit;

  @BeforeAll
  static void startSystem() {
    system = FaultSystem.create(folder, "BrokerRestartTest");
    site = system.addEdge(EDGE, false);
    system.startBroker();
    node = system.startCloud("node-1");
    audit = new CommandAudit(system.database());
    site.agent().start();
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
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
}
