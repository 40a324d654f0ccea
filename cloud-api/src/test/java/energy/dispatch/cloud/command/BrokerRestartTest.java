package energy.dispatch.cloud.command;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.awaitility.Awaitility.await;

import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.cloud.support.TestSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** In a class of its own: an embedded broker is never started beside another one in the same JVM. */
class BrokerRestartTest {

  @Test
  void delivery_resumes_after_the_broker_restarts() {
    try (TestBroker broker = TestBroker.start(); CloudFixture node = CloudFixture.start(broker)) {
      TestSocket socket = node.socket(OPERATOR);
      node.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
      socket.send(seedCommand("before_broker_restart"));
      socket.awaitStatus("before_broker_restart", "executed");

      broker.restart();
      await().atMost(Duration.ofSeconds(20)).until(() -> CloudFixture.json(node.call("GET", "/health", null, null)
          .body()).path("mqtt").asBoolean());
      node.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
      socket.send(seedCommand("after_broker_restart"));

      socket.awaitStatus("after_broker_restart", "executed");
    }
  }
}
