package energy.dispatch.cloud.ws;

import static energy.dispatch.cloud.support.CloudFixture.ADMIN;
import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.OTHER_EDGE;
import static energy.dispatch.cloud.support.CloudFixture.assertError;
import static energy.dispatch.cloud.support.CloudFixture.json;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.cloud.support.TestSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every status push asks the grants of each socket's user at push time, the submitter's included.
 * {@code EDGE} is online and executes; {@code OTHER_EDGE} never connects, so its commands wait queued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrantedPushTest {

  private static final Duration QUIET = Duration.ofSeconds(1);
  private TestBroker broker;
  private CloudFixture fixture;
  private TestSocket operator;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker);
    fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    operator = fixture.socket(OPERATOR);
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  @Test
  void a_view_only_user_who_did_not_submit_receives_every_status_on_its_socket() {
    fixture.cloud().grant("user:701", EDGE, true, false);
    TestSocket viewer = fixture.socket("701");

    operator.send(seedCommand("viewed_by_701"));

    viewer.awaitStatus("viewed_by_701", "executed");
    assertThat(viewer.statusesOf("viewed_by_701")).containsSubsequence("accepted", "sent", "delivered", "executed");
  }

  @Test
  void a_user_without_a_grant_on_the_edge_receives_no_status() {
    fixture.cloud().grant("user:702", OTHER_EDGE, true, true);
    TestSocket outsider = fixture.socket("702");

    operator.send(seedCommand("unseen_by_702"));

    operator.awaitStatus("unseen_by_702", "executed");
    assertNothingReaches(outsider, "unseen_by_702");
  }

  @Test
  void revoking_the_view_grant_stops_the_very_next_push_on_an_open_socket() {
    TestSocket viewer = queuedOnTheOtherEdge("703", false, "watched_by_703", 1000);

    revoke("user:703", OTHER_EDGE);
    operator.send(cancel("watched_by_703"));

    operator.awaitStatus("watched_by_703", "cancelled");
    assertNothingReachesAfter(viewer, "watched_by_703", "queued");
    assertThat(viewer.isOpen()).isTrue();
  }

  @Test
  void a_submitter_left_with_view_only_cannot_cancel_its_own_command() {
    queuedOnTheOtherEdge("704", true, "own_of_704", 2000);

    fixture.cloud().grant("user:704", OTHER_EDGE, true, false);

    assertError(fixture.call("POST", "/api/v1/commands/own_of_704/cancel", fixture.token("704"), null), 403,
        "forbidden");
    assertThat(json(fixture.call("GET", "/api/v1/commands/own_of_704", fixture.token("704"), null).body())
        .path("status").asText()).isEqualTo("queued");
  }

  @Test
  void a_submitter_whose_grant_was_revoked_can_neither_read_its_command_nor_hear_of_it() {
    TestSocket submitter = queuedOnTheOtherEdge("705", true, "own_of_705", 3000);

    revoke("user:705", OTHER_EDGE);
    operator.send(cancel("own_of_705"));

    operator.awaitStatus("own_of_705", "cancelled");
    assertError(fixture.call("GET", "/api/v1/commands/own_of_705", fixture.token("705"), null), 404, "unknown_command");
    assertNothingReachesAfter(submitter, "own_of_705", "queued");
  }

  @Test
  void open_commands_leaves_out_those_on_edges_the_user_may_no_longer_view() {
    TestSocket submitter = queuedOnTheOtherEdge("706", true, "open_of_706", 4000);

    revoke("user:706", OTHER_EDGE);
    submitter.send("{\"type\": \"open_commands\"}");

    assertThat(submitter.await(m -> m.path("type").asText().equals("open_commands")).path("commands")).isEmpty();
  }

  /**
   * A socket of a user granted view (and control when it {@code submits}) on {@code OTHER_EDGE},
   * once it has seen {@code commandId} queued there; the user submits it, else the operator does.
   */
  private TestSocket queuedOnTheOtherEdge(String userId, boolean submits, String commandId, int watts) {
    fixture.cloud().grant("user:" + userId, OTHER_EDGE, true, submits);
    TestSocket socket = fixture.socket(userId);
    (submits ? socket : operator).send(seedCommand(commandId, OTHER_EDGE, watts));
    socket.awaitStatus(commandId, "queued");
    return socket;
  }

  private void revoke(String principal, String edgePattern) {
    assertThat(fixture.call("DELETE", "/api/v1/admin/grants?principal=" + principal + "&edge_pattern=" + edgePattern,
        fixture.token(ADMIN), null).statusCode()).isEqualTo(204);
  }

  private static String cancel(String commandId) {
    return "{\"type\": \"cancel\", \"command_id\": \"" + commandId + "\"}";
  }

  private static void assertNothingReaches(TestSocket socket, String commandId) {
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> socket.statusesOf(commandId).isEmpty());
  }

  private static void assertNothingReachesAfter(TestSocket socket, String commandId, String lastStatus) {
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> {
      List<String> statuses = socket.statusesOf(commandId);
      return statuses.get(statuses.size() - 1).equals(lastStatus);
    });
  }
}
