package energy.dispatch.cloud.command;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.cloud.support.TestSocket;
import energy.dispatch.testing.FreePorts;
import energy.dispatch.testing.TestRedis;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/** Several nodes, restarts and a lost Redis: PostgreSQL stays the record and delivery resumes. */
class ResilienceTest {

  private static TestBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void a_status_change_reaches_a_socket_on_another_node_and_each_timeout_fires_once() {
    try (CloudFixture nodeA = CloudFixture.start(broker); CloudFixture nodeB = nodeA.secondNode()) {
      TestEdge edge = nodeA.connectEdge(EDGE, TestEdge.Answer.SILENT);
      TestSocket onA = nodeA.socket(OPERATOR);
      TestSocket onB = nodeB.track(TestSocket.authenticated(nodeB.cloud().webSocketUrl(), nodeA.token(OPERATOR)));

      onA.send(seedCommand("two_nodes"));

      onB.awaitStatus("two_nodes", "sent");
      onB.awaitStatus("two_nodes", "timeout");
      onA.awaitStatus("two_nodes", "timeout");
      assertThat(nodeA.auditedStatuses("two_nodes")).containsExactly("accepted", "sent", "timeout");
      assertThat(edge.commands()).hasSize(1);
    }
  }

  @Test
  void acks_are_consumed_once_across_nodes() {
    try (CloudFixture nodeA = CloudFixture.start(broker); CloudFixture nodeB = nodeA.secondNode()) {
      nodeA.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
      TestSocket socket = nodeA.socket(OPERATOR);
      TestSocket onB = nodeB.track(TestSocket.authenticated(nodeB.cloud().webSocketUrl(), nodeA.token(OPERATOR)));

      for (int i = 0; i < 10; i++) {
        (i % 2 == 0 ? socket : onB).send(seedCommand("shared_" + i, EDGE, 1000 + i));
      }

      for (int i = 0; i < 10; i++) {
        socket.awaitStatus("shared_" + i, "executed");
        assertThat(nodeA.auditedStatuses("shared_" + i)).containsExactly("accepted", "sent", "delivered", "executed");
      }
    }
  }

  @Test
  void a_node_that_is_gone_holds_no_share_of_the_acks_of_a_node_started_under_another_id() {
    CloudFixture gone = CloudFixture.start(broker);
    gone.close();
    try (CloudFixture node = CloudFixture.start(broker)) {
      node.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
      TestSocket socket = node.socket(OPERATOR);

      for (int i = 0; i < 10; i++) {
        socket.send(seedCommand("after_gone_" + i, EDGE, 1000 + i));
      }

      for (int i = 0; i < 10; i++) {
        socket.awaitStatus("after_gone_" + i, "executed");
        assertThat(node.auditedStatuses("after_gone_" + i)).doesNotContain("timeout");
      }
    }
  }

  @Test
  void queued_commands_survive_a_restart_of_the_cloud() {
    CloudFixture first = CloudFixture.start(broker);
    TestSocket socket = first.socket(OPERATOR);
    socket.send(seedCommand("across_restart"));
    socket.awaitStatus("across_restart", "queued");

    try (CloudFixture second = first.restart()) {
      TestSocket again = second.socket(OPERATOR);
      second.connectEdge(EDGE, TestEdge.Answer.EXECUTE);

      again.awaitStatus("across_restart", "executed");
      assertThat(second.auditedStatuses("across_restart"))
          .containsExactly("accepted", "queued", "sent", "delivered", "executed");
    }
  }

  @Test
  void a_pending_delivery_timer_fires_after_a_restart_of_the_cloud() {
    CloudFixture first = CloudFixture.start(broker);
    first.connectEdge(EDGE, TestEdge.Answer.SILENT);
    TestSocket socket = first.socket(OPERATOR);
    socket.send(seedCommand("timer_across_restart"));
    socket.awaitStatus("timer_across_restart", "sent");

    try (CloudFixture second = first.restart()) {
      await().atMost(Duration.ofSeconds(10))
          .until(() -> second.auditedStatuses("timer_across_restart").contains("timeout"));
    }
  }

  @Test
  void an_emptied_redis_is_rebuilt_from_the_record_and_queued_commands_still_go_out() {
    try (CloudFixture node = CloudFixture.start(broker)) {
      TestSocket socket = node.socket(OPERATOR);
      socket.send(seedCommand("through_wipe"));
      socket.awaitStatus("through_wipe", "queued");

      wipe(node.settings().redisKeyPrefix());
      TestEdge edge = node.connectEdge(EDGE, TestEdge.Answer.EXECUTE);

      socket.awaitStatus("through_wipe", "executed");
      assertThat(edge.commands()).extracting(c -> c.path("command_id").asText()).contains("through_wipe");
    }
  }

  @Test
  void while_redis_is_unreachable_new_commands_are_refused_and_accepted_ones_are_kept() throws IOException {
    int port = FreePorts.next();
    RedisServer redis = TestRedis.startPrivate(port);
    try (CloudFixture node = CloudFixture.start(broker, b -> b.redisUrl("redis://127.0.0.1:" + port))) {
      TestSocket socket = node.socket(OPERATOR);
      socket.send(seedCommand("before_outage"));
      socket.awaitStatus("before_outage", "queued");

      redis.stop();
      socket.send(seedCommand("during_outage"));
      JsonNode refused = socket.awaitStatus("during_outage", "refused");
      redis = TestRedis.startPrivate(port);
      node.connectEdge(EDGE, TestEdge.Answer.EXECUTE);

      assertThat(refused.path("error").path("code").asText()).isEqualTo("store_unavailable");
      socket.awaitStatus("before_outage", "executed");
      socket.send(seedCommand("after_outage"));
      socket.awaitStatus("after_outage", "executed");
    } finally {
      redis.stop();
    }
  }

  @Test
  void a_config_request_is_answered_with_the_current_config() throws Exception {
    try (CloudFixture node = CloudFixture.start(broker)) {
      TestEdge edge = node.connectEdge(EDGE, TestEdge.Answer.EXECUTE);

      JsonNode answer = edge.requestConfig("req-1");

      assertThat(answer.path("request_id").asText()).isEqualTo("req-1");
      assertThat(answer.path("config").path("edge_id").asText()).isEqualTo(EDGE);
      assertThat(answer.path("config").path("version").asInt()).isEqualTo(1);
      assertThat(answer.path("config").path("devices")).isNotEmpty();
    }
  }

  private static void wipe(String prefix) {
    try (RedisClient redis = RedisClient.create(java.net.URI.create(TestRedis.url()))) {
      Set<String> keys = redis.keys(prefix + "*");
      if (!keys.isEmpty()) {
        redis.del(keys.toArray(String[]::new));
      }
    }
  }
}
