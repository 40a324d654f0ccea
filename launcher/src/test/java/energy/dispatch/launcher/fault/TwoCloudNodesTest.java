package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.launcher.DispatchSocket;
import energy.dispatch.launcher.fault.FaultSystem.CloudNode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invariants 1 and 4 with two cloud-api processes on one broker, Redis and PostgreSQL: commands
 * submitted through either node execute once, each ack is consumed once (one {@code delivered},
 * one result in the audit), a status reaches a dashboard socket held by the other node, and a
 * delivery timeout fires on exactly one node, with the late result kept beside it.
 */
class TwoCloudNodesTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_two_nodes";
  static final Duration PUSH_WAIT = Duration.ofSeconds(60);
  static final int DELIVERY_TIMEOUT_SEC = 5;

  static CloudNode node1;
  static CloudNode node2;

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "TwoCloudNodesTest")
        .cloudSetting("DISPATCH_DELIVERY_TIMEOUT_SEC", Integer.toString(DELIVERY_TIMEOUT_SEC)), EDGE, true);
    node1 = node;
    node2 = system.startCloud("node-2");
    site.agent().start();
  }

  @BeforeEach
  void edgeOnline() {
    await().atMost(PRESENCE).until(() -> node1.api().edgeOnline(EDGE) && node2.api().edgeOnline(EDGE));
  }

  @AfterEach
  void linkBack() {
    site.link().restore();
  }

  @Test
  void commands_through_either_node_execute_once_and_their_status_reaches_a_socket_on_the_other_node() {
    try (DispatchSocket socketOnNode2 = DispatchSocket.connect(node2.api().webSocketUrl(), system.operatorToken())) {
      Batch batch = new Batch(site, audit);
      assertThat(node1.api().submit(batch.setpoint("via-node-1", WritableChannel.REACTIVE_POWER, 600)).accepted())
          .isTrue();
      assertThat(node2.api().submit(batch.setpoint("via-node-2", WritableChannel.SOC_RESERVE, 600)).accepted())
          .isTrue();

      batch.assertAllExecutedOnce();
      for (String commandId : batch.commandIds()) {
        assertThat(audit.eventCount(commandId, "delivered")).as("delivered acks of %s consumed", commandId)
            .isEqualTo(1);
        assertThat(audit.eventCount(commandId, "executed")).as("results of %s consumed", commandId).isEqualTo(1);
      }
      JsonNode pushed = socketOnNode2.nextMatching(message -> "via-node-1".equals(message.path("command_id").asText())
          && "executed".equals(message.path("status").asText()), PUSH_WAIT);
      assertThat(pushed.path("edge_id").asText(EDGE)).isEqualTo(EDGE);
    }
  }

  @Test
  void a_delivery_timeout_fires_on_exactly_one_node_and_the_late_result_is_kept_beside_it() {
    site.link().stall();
    Batch batch = new Batch(site, audit);
    assertThat(node1.api().submit(batch.setpoint("stalled-via-node-1", WritableChannel.REACTIVE_POWER, 600))
        .accepted()).isTrue();
    assertThat(node2.api().submit(batch.setpoint("stalled-via-node-2", WritableChannel.PV_LIMIT, 600))
        .accepted()).isTrue();

    for (String commandId : batch.commandIds()) {
      batch.assertEnds(commandId, "timeout");
    }
    site.link().restore();

    for (String commandId : batch.commandIds()) {
      CommandAudit.Record record = await("late result of " + commandId).atMost(PUSH_WAIT)
          .until(() -> audit.find(commandId).orElseThrow(), r -> !r.lateResult().isMissingNode());
      audit.assertSound(commandId);
      assertThat(audit.eventCount(commandId, "timeout")).as("timeouts of %s", commandId).isEqualTo(1);
      assertThat(record.lateResult().path("status").asText()).isEqualTo("executed");
      Pattern timedOut = Pattern.compile("timed out commandId=" + commandId + "\\b");
      assertThat(List.of(node1, node2)).as("nodes that timed %s out", commandId)
          .filteredOn(node -> node.process().printed(timedOut)).hasSize(1);
    }
    batch.assertWritesMatchOutcomes();
  }
}
