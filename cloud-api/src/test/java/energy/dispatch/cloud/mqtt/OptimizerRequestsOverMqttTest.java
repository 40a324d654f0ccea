package energy.dispatch.cloud.mqtt;

import static energy.dispatch.cloud.support.CloudFixture.ADMIN;
import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.OTHER_EDGE;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.ratelimit.RateLimits;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.cloud.support.TestOptimizer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An optimizer's request over MQTT passes the checks a dashboard's command passes (schema, size,
 * grants, rate limits, idempotency, audit), and its answers reach it, and only it, while it may
 * view the edge. Each test uses its own service, so the budget of three commands a minute per
 * principal is its own. {@code EDGE} executes; {@code OTHER_EDGE} never connects, so its commands
 * wait queued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OptimizerRequestsOverMqttTest {

  private static final Duration QUIET = Duration.ofSeconds(1);
  private TestBroker broker;
  private CloudFixture fixture;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker, builder -> builder
        .rateLimits(new RateLimits(Duration.ofSeconds(60), 3, 6000, 60, 60)));
    fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  private TestOptimizer optimizer(String service) {
    fixture.cloud().grant("service:" + service, "site*_edge_prod", true, true);
    return fixture.track(TestOptimizer.connect(broker, service));
  }

  @Test
  void a_request_is_executed_and_audited_as_the_service() {
    TestOptimizer optimizer = optimizer("opt_audit");

    optimizer.request(seedCommand("opt_audited"), "corr-1");

    TestOptimizer.Response executed = optimizer.awaitStatus("opt_audited", "executed");
    assertThat(executed.correlation()).isEqualTo("corr-1");
    assertThat(executed.topic()).isEqualTo("dispatch/v1/services/opt_audit/responses/run");
    List<String> auditedPrincipals = fixture.database().withHandle(h -> h.createQuery(
            "SELECT principal FROM command_events WHERE command_id = 'opt_audited' AND status = 'accepted'")
        .mapTo(String.class).list());
    assertThat(auditedPrincipals).containsExactly("service:opt_audit");
  }

  @Test
  void a_request_that_breaks_the_schema_is_answered_with_the_error_naming_it() {
    TestOptimizer optimizer = optimizer("opt_schema");

    optimizer.request(seedCommand("opt_bad_value").replace("50000", "\"fifty\""), "corr-2");

    JsonNode refused = optimizer.awaitStatus("opt_bad_value", "refused").status();
    assertThat(refused.path("error").path("code").asText()).isEqualTo("schema_violation");
    assertThat(refused.path("error").path("message").asText()).contains("value");
    assertThat(fixture.refusalCodes("opt_bad_value")).containsExactly("schema_violation");
  }

  @Test
  void a_request_beyond_the_payload_limit_is_refused_as_too_large() {
    TestOptimizer optimizer = optimizer("opt_large");
    String padded = seedCommand("opt_too_large").replace("\"user_456\"", "\"" + "x".repeat(70_000) + "\"");

    optimizer.request(padded.getBytes(StandardCharsets.UTF_8), "corr-too-large");

    JsonNode refused = optimizer.awaitCorrelated("corr-too-large").status();
    assertThat(refused.path("status").asText()).isEqualTo("refused");
    assertThat(refused.path("error").path("code").asText()).isEqualTo("payload_too_large");
    assertThat(refused.path("error").path("message").asText()).contains("65536 bytes");
  }

  @Test
  void a_request_over_the_services_budget_is_rate_limited_with_a_retry_after() {
    TestOptimizer optimizer = optimizer("opt_budget");
    for (int i = 1; i <= 3; i++) {
      optimizer.request(seedCommand("opt_budget_" + i, OTHER_EDGE, 1000 * i), "corr-budget");
      optimizer.awaitStatus("opt_budget_" + i, "queued");
    }

    optimizer.request(seedCommand("opt_budget_4", OTHER_EDGE, 4000), "corr-budget");

    JsonNode limited = optimizer.awaitStatus("opt_budget_4", "refused").status();
    assertThat(limited.path("error").path("code").asText()).isEqualTo("rate_limited");
    assertThat(limited.path("retry_after_sec").asLong()).isBetween(1L, 60L);
  }

  @Test
  void the_same_request_twice_is_answered_with_the_existing_command() {
    TestOptimizer optimizer = optimizer("opt_twice");
    optimizer.request(seedCommand("opt_twice_1", OTHER_EDGE, 5000), "corr-first");
    optimizer.awaitStatus("opt_twice_1", "queued");

    optimizer.request(seedCommand("opt_twice_1", OTHER_EDGE, 5000), "corr-again");

    await().until(() -> optimizer.statusesOf("opt_twice_1").size() == 3);
    assertThat(optimizer.statusesOf("opt_twice_1")).containsExactly("accepted", "queued", "queued");
    assertThat(fixture.auditedStatuses("opt_twice_1")).containsExactly("accepted", "queued");
    assertThat(fixture.refusalCodes("opt_twice_1")).isEmpty();
  }

  @Test
  void another_service_reusing_a_command_id_does_not_cut_its_submitter_off() {
    TestOptimizer victim = optimizer("opt_victim");
    TestOptimizer other = optimizer("opt_other");
    victim.request(seedCommand("opt_contested", OTHER_EDGE, 6000), "corr-victim");
    victim.awaitStatus("opt_contested", "queued");

    other.request(seedCommand("opt_contested", OTHER_EDGE, 7000), "corr-other");
    assertThat(other.awaitStatus("opt_contested", "refused").status().path("error").path("code").asText())
        .isEqualTo("duplicate_command_id");
    cancelAsOperator("opt_contested");

    assertThat(victim.awaitStatus("opt_contested", "cancelled").correlation()).isEqualTo("corr-victim");
    assertThat(other.statusesOf("opt_contested")).containsExactly("refused");
  }

  @Test
  void a_service_whose_grant_was_revoked_gets_no_further_answer() {
    TestOptimizer optimizer = optimizer("opt_revoked");
    optimizer.request(seedCommand("opt_before_revoke", OTHER_EDGE, 8000), "corr-4");
    optimizer.awaitStatus("opt_before_revoke", "queued");

    assertThat(fixture.call("DELETE", "/api/v1/admin/grants?principal=service:opt_revoked&edge_pattern=site*_edge_prod",
        fixture.token(ADMIN), null).statusCode()).isEqualTo(204);
    cancelAsOperator("opt_before_revoke");

    await().during(QUIET).atMost(QUIET.multipliedBy(2))
        .until(() -> optimizer.statusesOf("opt_before_revoke").equals(List.of("accepted", "queued")));
  }

  private void cancelAsOperator(String commandId) {
    assertThat(CloudFixture.json(fixture.call("POST", "/api/v1/commands/" + commandId + "/cancel",
        fixture.token(OPERATOR), null).body()).path("status").asText()).isEqualTo("cancelled");
  }
}
