package energy.dispatch.cloud.rest;

import static energy.dispatch.cloud.support.CloudFixture.ADMIN;
import static energy.dispatch.cloud.support.CloudFixture.assertError;
import static energy.dispatch.cloud.support.CloudFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Admin and development-token input that must be refused, not coerced, and must change nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminInputTest {

  private TestBroker broker;
  private CloudFixture fixture;
  private String admin;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker);
    admin = fixture.token(ADMIN);
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  @ParameterizedTest(name = "edge_id {0}")
  @ValueSource(strings = {"cloud-demo", "Cloud-demo", "cloud", "service-optimizer", "SERVICE-x"})
  void an_edge_id_in_the_clouds_or_a_services_client_id_namespace_is_refused_naming_the_rule(String edgeId) {
    HttpResponse<String> answer = fixture.call("POST", "/api/v1/admin/edges", admin,
        "{\"edge_id\": \"" + edgeId + "\", \"site_id\": \"x\"}");

    assertThat(assertError(answer, 400, "schema_violation")).contains("edge_id '" + edgeId + "' is reserved")
        .contains("'cloud-'").contains("'service-'");
    assertThat(edgesNamed(edgeId)).isZero();
  }

  @Test
  void this_nodes_own_mqtt_client_id_cannot_be_registered_as_an_edge() {
    String clientId = fixture.settings().mqttClientId();

    HttpResponse<String> answer = fixture.call("POST", "/api/v1/admin/edges", admin,
        "{\"edge_id\": \"" + clientId + "\", \"site_id\": \"x\"}");

    assertThat(assertError(answer, 400, "schema_violation")).contains("is reserved");
    assertThat(edgesNamed(clientId)).isZero();
  }

  static Stream<List<String>> badGrantFlags() {
    return Stream.of(
        List.of("\"can_view\": \"yes\", \"can_control\": \"yes\"", "can_view"),
        List.of("\"can_view\": true, \"can_control\": \"true\"", "can_control"),
        List.of("\"can_view\": true, \"can_control\": 1", "can_control"),
        List.of("\"can_view\": null, \"can_control\": false", "can_view"),
        List.of("\"can_view\": true", "can_control"),
        List.of("\"can_control\": false", "can_view"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badGrantFlags")
  void a_grant_flag_that_is_not_a_json_boolean_is_refused_and_the_existing_grant_stays(List<String> flagsAndField) {
    String grantee = "user:flags_" + Math.abs(flagsAndField.get(0).hashCode());
    assertThat(grant(grantee, "\"can_view\": true, \"can_control\": true").statusCode()).isEqualTo(201);

    HttpResponse<String> answer = grant(grantee, flagsAndField.get(0));

    assertThat(assertError(answer, 400, "schema_violation")).contains(flagsAndField.get(1) + " is required and must be "
        + "the JSON boolean true or false");
    assertThat(storedFlags(grantee)).containsExactly(true, true);
  }

  @Test
  void a_grant_with_both_flags_as_booleans_is_stored_as_given() {
    assertThat(grant("user:flags_exact", "\"can_view\": true, \"can_control\": false").statusCode()).isEqualTo(201);

    assertThat(storedFlags("user:flags_exact")).containsExactly(true, false);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"user_id\": \"a\\u0000b\"}",
      "{\"user_id\": \" 456 \"}",
      "{\"user_id\": \"45 6\"}",
      "{\"user_id\": \"\u00a0456\"}",
      "{\"user_id\": \"\"}",
      "{\"user_id\": \"LONG\"}"})
  void a_user_id_the_verifier_would_refuse_mints_nothing(String body) {
    HttpResponse<String> answer = fixture.call("POST", "/api/v1/dev/token", null,
        body.replace("LONG", "x".repeat(10_000)));

    assertThat(assertError(answer, 400, "schema_violation"))
        .contains("user_id must be a number, or a string of 1 to 128 characters without spaces or control characters");
    assertThat(answer.body()).doesNotContain("access");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"user_id\": true}", "{\"user_id\": 456}", "{}"})
  void a_user_id_that_is_not_a_json_string_mints_nothing(String body) {
    assertThat(assertError(fixture.call("POST", "/api/v1/dev/token", null, body), 400, "schema_violation"))
        .contains("user_id is required and must be a JSON string");
  }

  @ParameterizedTest(name = "ttl_sec {0}")
  @ValueSource(strings = {"\"abc\"", "1.9", "0", "-1", "86401", "null", "true"})
  void a_ttl_that_is_not_an_integer_from_one_second_to_a_day_mints_nothing(String ttl) {
    HttpResponse<String> answer = fixture.call("POST", "/api/v1/dev/token", null,
        "{\"user_id\": \"456\", \"ttl_sec\": " + ttl + "}");

    assertThat(assertError(answer, 400, "schema_violation")).contains("ttl_sec must be a JSON integer from 1 to 86400");
  }

  @ParameterizedTest(name = "user_id {0}")
  @ValueSource(strings = {"456", "0123", "j\u00fcrgen", "alice@example.org"})
  void a_token_minted_for_an_accepted_user_id_is_accepted_for_that_user(String userId) {
    HttpResponse<String> minted = fixture.call("POST", "/api/v1/dev/token", null,
        "{\"user_id\": \"" + userId + "\", \"ttl_sec\": 60}");
    assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);

    HttpResponse<String> used = fixture.call("GET", "/api/v1/edges", json(minted.body()).path("access").asText(),
        null);

    assertThat(used.statusCode()).as(used.body()).isEqualTo(200);
  }

  private HttpResponse<String> grant(String grantee, String flags) {
    return fixture.call("POST", "/api/v1/admin/grants", admin,
        "{\"principal\": \"" + grantee + "\", \"edge_pattern\": \"site1_*\", " + flags + "}");
  }

  private List<Boolean> storedFlags(String grantee) {
    return fixture.database().withHandle(h -> h.createQuery(
            "SELECT can_view, can_control FROM grants WHERE principal = :principal AND edge_pattern = 'site1_*'")
        .bind("principal", grantee).map((rs, ctx) -> List.of(rs.getBoolean(1), rs.getBoolean(2))).one());
  }

  private int edgesNamed(String edgeId) {
    return fixture.database().withHandle(h -> h.createQuery("SELECT count(*) FROM edges WHERE edge_id = :id")
        .bind("id", edgeId).mapTo(Integer.class).one());
  }
}
