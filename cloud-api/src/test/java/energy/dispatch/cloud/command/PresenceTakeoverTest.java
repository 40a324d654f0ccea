package energy.dispatch.cloud.command;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Presence across session takeovers on the real broker: a new connection with the edge's client
 * id takes the session over, the broker closes the old one and publishes its last will (offline).
 * However the will and the new session's online report interleave, the edge ends online.
 */
class PresenceTakeoverTest {

  private static final String EDGE = "site9_edge_takeover";
  private static final int TAKEOVERS = 8;
  private static TestBroker broker;
  private static CloudFixture fixture;

  @BeforeAll
  static void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker);
  }

  @AfterAll
  static void stop() {
    fixture.close();
    broker.close();
  }

  @Test
  void a_taken_over_session_never_leaves_the_new_one_offline() {
    String secret = fixture.registerEdge(EDGE);
    fixture.track(TestEdge.connect(EDGE, secret, broker.host(), broker.port(), TestEdge.Answer.EXECUTE));
    await().atMost(Duration.ofSeconds(15)).until(PresenceTakeoverTest::online);

    for (int takeover = 1; takeover <= TAKEOVERS; takeover++) {
      fixture.track(TestEdge.connect(EDGE, secret, broker.host(), broker.port(), TestEdge.Answer.EXECUTE));
      await("online after takeover " + takeover).atMost(Duration.ofSeconds(10)).during(Duration.ofSeconds(2))
          .until(PresenceTakeoverTest::online);
    }
  }

  private static boolean online() {
    JsonNode edges = CloudFixture.json(fixture.call("GET", "/api/v1/edges", fixture.token(CloudFixture.ADMIN), null)
        .body());
    for (JsonNode edge : edges.path("edges")) {
      if (edge.path("edge_id").asText().equals(EDGE)) {
        return edge.path("online").asBoolean();
      }
    }
    return false;
  }
}
