package energy.dispatch.cloud.rest;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.json;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.ratelimit.RateLimits;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestSocket;
import energy.dispatch.schema.SchemaValidator;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A rate-limited client is told, in a form a program can read, how long to wait. */
class RateLimitAnswerTest {

  private TestBroker broker;
  private CloudFixture fixture;

  @BeforeEach
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker, builder -> builder.rateLimits(new RateLimits(Duration.ofSeconds(60), 6000, 2,
        60, 60)));
  }

  @AfterEach
  void stop() {
    fixture.close();
    broker.close();
  }

  @Test
  void a_rate_limited_rest_submission_carries_retry_after() {
    String token = fixture.token(OPERATOR);
    fixture.call("POST", "/api/v1/commands", token, seedCommand("budget_1"));
    fixture.call("POST", "/api/v1/commands", token, seedCommand("budget_2"));

    HttpResponse<String> limited = fixture.call("POST", "/api/v1/commands", token, seedCommand("budget_3"));

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(json(limited.body()).path("error").path("code").asText()).isEqualTo("rate_limited");
    assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
  }

  @Test
  void a_rate_limited_socket_submission_carries_retry_after_sec_within_the_schema() {
    TestSocket socket = fixture.socket(OPERATOR);
    socket.send(seedCommand("ws_budget_1", EDGE, 1000));
    socket.send(seedCommand("ws_budget_2", EDGE, 2000));
    socket.awaitStatus("ws_budget_2", "accepted");

    socket.send(seedCommand("ws_budget_3", EDGE, 3000));

    JsonNode refused = socket.awaitStatus("ws_budget_3", "refused");
    assertThat(refused.path("error").path("code").asText()).isEqualTo("rate_limited");
    assertThat(refused.path("retry_after_sec").asLong()).isBetween(1L, 60L);
    assertThat(SchemaValidator.instance().violations(SchemaValidator.Schema.COMMAND_STATUS, refused)).isEmpty();
  }
}
