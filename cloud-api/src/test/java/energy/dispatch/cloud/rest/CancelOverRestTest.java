package energy.dispatch.cloud.rest;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.OTHER_EDGE;
import static energy.dispatch.cloud.support.CloudFixture.assertError;
import static energy.dispatch.cloud.support.CloudFixture.json;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /api/v1/commands/{id}/cancel: a command still waiting in the cloud is cancelled; a sent one is not. */
class CancelOverRestTest {

  private static TestBroker broker;
  private CloudFixture fixture;
  private String operator;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void start() {
    fixture = CloudFixture.start(broker);
    operator = fixture.token(OPERATOR);
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void a_queued_command_cancelled_over_rest_is_cancelled_and_never_sent() {
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("rest_queued", OTHER_EDGE, 1000));
    awaitStatus("rest_queued", "queued");

    HttpResponse<String> cancelled = fixture.call("POST", "/api/v1/commands/rest_queued/cancel", operator, null);

    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(json(cancelled.body()).path("status").asText()).isEqualTo("cancelled");
    assertThat(fixture.auditedStatuses("rest_queued")).containsExactly("accepted", "queued", "cancelled");
    TestEdge edge = fixture.connectEdge(OTHER_EDGE, TestEdge.Answer.EXECUTE);
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("rest_after_cancel", OTHER_EDGE, 2000));
    awaitStatus("rest_after_cancel", "executed");
    assertThat(edge.commands()).extracting(c -> c.path("command_id").asText()).containsExactly("rest_after_cancel");
    assertThat(details("rest_queued").path("status").asText()).isEqualTo("cancelled");
  }

  @Test
  void a_sent_command_cannot_be_cancelled_over_rest_and_the_answer_says_why() {
    fixture.connectEdge(EDGE, TestEdge.Answer.DELIVER_ONLY);
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("rest_sent"));
    awaitStatus("rest_sent", "delivered");

    String message = assertError(fixture.call("POST", "/api/v1/commands/rest_sent/cancel", operator, null), 409,
        "not_cancellable");

    assertThat(message).isEqualTo("command 'rest_sent' cannot be cancelled: it was already sent to edge '"
        + EDGE + "' and cannot be recalled");
    assertThat(details("rest_sent").path("status").asText()).isEqualTo("delivered");
  }

  @Test
  void cancelling_a_command_nobody_may_see_is_an_unknown_command() {
    assertError(fixture.call("POST", "/api/v1/commands/never_submitted/cancel", operator, null), 404,
        "unknown_command");
  }

  private JsonNode details(String commandId) {
    return json(fixture.call("GET", "/api/v1/commands/" + commandId, operator, null).body());
  }

  private void awaitStatus(String commandId, String status) {
    await().until(() -> details(commandId).path("status").asText().equals(status));
  }
}
