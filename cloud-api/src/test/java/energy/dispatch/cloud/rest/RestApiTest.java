package energy.dispatch.cloud.rest;

import static energy.dispatch.cloud.support.CloudFixture.ADMIN;
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
import energy.dispatch.schema.CredentialHash;
import java.net.http.HttpResponse;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest {

  private TestBroker broker;
  private CloudFixture fixture;
  private String operator;
  private String admin;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker);
    fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    operator = fixture.token(OPERATOR);
    admin = fixture.token(ADMIN);
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  @Test
  void a_control_character_in_a_query_parameter_is_refused_naming_it_and_the_api_keeps_serving() {
    HttpResponse<String> refused = fixture.call("GET", "/api/v1/commands?limit=1&edge_id=%00", operator, null);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused.body()).path("error").path("code").asText()).isEqualTo("schema_violation");
    assertThat(json(refused.body()).path("error").path("message").asText()).contains("'edge_id'");
    assertThat(fixture.call("GET", "/api/v1/commands?limit=1&edge_id=" + EDGE, operator, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void a_command_submitted_over_rest_is_accepted_and_its_history_can_be_read() {
    HttpResponse<String> submitted = fixture.call("POST", "/api/v1/commands", operator, seedCommand("rest_1"));

    assertThat(submitted.statusCode()).isEqualTo(202);
    assertThat(json(submitted.body()).path("status").asText()).isEqualTo("accepted");
    await().until(() -> json(fixture.call("GET", "/api/v1/commands/rest_1", operator, null).body())
        .path("status").asText().equals("executed"));
    JsonNode details = json(fixture.call("GET", "/api/v1/commands/rest_1", operator, null).body());
    assertThat(details.path("history")).extracting(e -> e.path("status").asText())
        .containsExactly("accepted", "sent", "delivered", "executed");
    assertThat(details.path("history").get(0).path("principal").asText()).isEqualTo("user:456");
    assertThat(details.path("command").path("accepted_at").isTextual()).isTrue();
  }

  @Test
  void resubmitting_the_same_command_answers_the_existing_one_with_200() {
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("rest_twice"));

    HttpResponse<String> again = fixture.call("POST", "/api/v1/commands", operator, seedCommand("rest_twice"));

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again.body()).path("command_id").asText()).isEqualTo("rest_twice");
  }

  @Test
  void refusals_are_errors_with_a_code_a_sentence_and_the_matching_status() {
    assertError(fixture.call("POST", "/api/v1/commands", operator, "{oops"), 400, "malformed_json");
    assertError(fixture.call("POST", "/api/v1/commands", operator, seedCommand("r", EDGE, 10_000_000)), 422,
        "out_of_range");
    assertError(fixture.call("POST", "/api/v1/commands", operator, seedCommand("r", "site9_edge_prod", 1)), 404,
        "unknown_edge");
    assertError(fixture.call("POST", "/api/v1/commands", null, seedCommand("r")), 401, "unauthenticated");
    assertError(fixture.call("POST", "/api/v1/commands", "x.y.z", seedCommand("r")), 401, "token_invalid");
    assertError(fixture.call("GET", "/api/v1/commands/nobody_knows", operator, null), 404, "unknown_command");
    assertError(fixture.call("POST", "/api/v1/commands", operator, "{\"pad\": \"" + "x".repeat(70_000) + "\"}"), 413,
        "payload_too_large");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"POST, /api/v1/commands", "POST, /api/v1/admin/grants", "PUT, /api/v1/admin/edges/site1_edge_prod/config"})
  void a_chunked_body_is_cut_off_at_the_limit_not_read_whole(String method, String path) throws Exception {
    long offered = 100L * 1024 * 1024;
    java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
    java.io.InputStream endless = new java.io.InputStream() {
      @Override
      public int read() {
        return taken.getAndIncrement() < offered ? 'x' : -1;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        long left = offered - taken.get();
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(length, left);
        java.util.Arrays.fill(buffer, offset, offset + n, (byte) 'x');
        taken.addAndGet(n);
        return n;
      }
    };
    java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + fixture.cloud().httpPort() + path))
        .version(java.net.http.HttpClient.Version.HTTP_1_1)
        .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
        .method(method, java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> endless)).build();

    try {
      HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(request,
          HttpResponse.BodyHandlers.ofString());
      assertError(answer, 413, "payload_too_large");
    } catch (java.io.IOException closedWhileSending) {
      // the server answered 413 and closed the connection while the client was still sending
    }
    assertThat(taken.get()).isLessThan(offered / 4);
  }

  @Test
  void a_command_of_another_user_is_invisible_without_a_view_grant() {
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("private_1"));

    assertError(fixture.call("GET", "/api/v1/commands/private_1", fixture.token("999"), null), 404, "unknown_command");
    assertThat(json(fixture.call("GET", "/api/v1/commands?edge_id=" + EDGE, fixture.token("999"), null).body())
        .path("commands")).isEmpty();
  }

  @Test
  void cancel_of_a_finished_command_is_a_conflict_with_a_sentence() {
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("rest_done"));
    await().until(() -> json(fixture.call("GET", "/api/v1/commands/rest_done", operator, null).body())
        .path("status").asText().equals("executed"));

    HttpResponse<String> cancel = fixture.call("POST", "/api/v1/commands/rest_done/cancel", operator, null);

    assertError(cancel, 409, "not_cancellable");
    assertThat(json(cancel.body()).path("error").path("message").asText()).contains("already executed");
  }

  @Test
  void commands_can_be_listed_by_edge_and_status() {
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("listed_1"));
    await().until(() -> json(fixture.call("GET", "/api/v1/commands/listed_1", operator, null).body())
        .path("status").asText().equals("executed"));

    JsonNode listed = json(fixture.call("GET", "/api/v1/commands?edge_id=" + EDGE + "&status=executed", operator, null)
        .body());

    assertThat(listed.path("commands")).extracting(c -> c.path("command_id").asText()).contains("listed_1");
    assertThat(listed.path("commands")).extracting(c -> c.path("status").asText()).containsOnly("executed");
    assertError(fixture.call("GET", "/api/v1/commands?status=sleeping", operator, null), 400, "schema_violation");
  }

  @Test
  void edges_are_listed_with_presence() {
    JsonNode edges = json(fixture.call("GET", "/api/v1/edges", operator, null).body()).path("edges");

    assertThat(edges).anySatisfy(edge -> {
      assertThat(edge.path("edge_id").asText()).isEqualTo(EDGE);
      assertThat(edge.path("online").asBoolean()).isTrue();
      assertThat(edge.path("config_version").asInt()).isPositive();
    });
  }

  @Test
  void an_admin_registers_an_edge_and_gets_its_secret_once_stored_only_as_a_hash_and_audited() {
    HttpResponse<String> created = fixture.call("POST", "/api/v1/admin/edges", admin,
        "{\"edge_id\": \"site7_edge_prod\", \"site_id\": \"site7\"}");
    String secret = json(created.body()).path("secret").asText();

    assertThat(created.statusCode()).isEqualTo(201);
    Jdbi db = fixture.database();
    String storedHash = db.withHandle(h -> h.createQuery(
        "SELECT secret_hash FROM edges WHERE edge_id = 'site7_edge_prod'").mapTo(String.class).one());
    assertThat(storedHash).isEqualTo(CredentialHash.hash(secret));
    assertError(fixture.call("POST", "/api/v1/admin/edges", admin,
        "{\"edge_id\": \"site7_edge_prod\", \"site_id\": \"site7\"}"), 409, "edge_exists");
    String rotated = json(fixture.call("POST", "/api/v1/admin/edges/site7_edge_prod/rotate", admin, null).body())
        .path("secret").asText();
    assertThat(rotated).isNotEqualTo(secret).hasSize(43);
    assertThat(adminActionsOn("site7_edge_prod")).containsExactly("edge.register", "edge.rotate");
  }

  @Test
  void an_admin_registers_a_service_whose_secret_is_stored_only_as_a_hash_and_every_action_is_audited() {
    HttpResponse<String> created = fixture.call("POST", "/api/v1/admin/services", admin,
        "{\"service_name\": \"optimizer_rest\"}");
    String secret = json(created.body()).path("secret").asText();

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(json(created.body()).path("principal").asText()).isEqualTo("service:optimizer_rest");
    assertThat(secret).hasSize(43);
    assertThat(serviceColumn("secret_hash", "optimizer_rest")).isEqualTo(CredentialHash.hash(secret));
    String rotated = json(fixture.call("POST", "/api/v1/admin/services/optimizer_rest/rotate", admin, null).body())
        .path("secret").asText();
    assertThat(serviceColumn("secret_hash", "optimizer_rest")).isEqualTo(CredentialHash.hash(rotated));
    assertThat(fixture.call("DELETE", "/api/v1/admin/services/optimizer_rest", admin, null).statusCode())
        .isEqualTo(204);
    JsonNode listed = json(fixture.call("GET", "/api/v1/admin/services", admin, null).body()).path("services");
    assertThat(listed).anySatisfy(service -> {
      assertThat(service.path("principal").asText()).isEqualTo("service:optimizer_rest");
      assertThat(service.path("credential_version").asInt()).isEqualTo(2);
      assertThat(service.path("revoked_at").isTextual()).isTrue();
    });
    assertThat(adminActionsOn("service:optimizer_rest")).containsExactly("service.register", "service.rotate",
        "service.revoke");
  }

  @Test
  void a_service_gets_its_grants_through_the_grant_route() {
    fixture.call("POST", "/api/v1/admin/services", admin, "{\"service_name\": \"optimizer_granted\"}");

    assertThat(fixture.call("POST", "/api/v1/admin/grants", admin, "{\"principal\": \"service:optimizer_granted\", "
        + "\"edge_pattern\": \"site1_*\", \"can_view\": true, \"can_control\": true}").statusCode()).isEqualTo(201);

    assertThat(count("grants", "principal = 'service:optimizer_granted' AND edge_pattern = 'site1_*' AND can_control"))
        .isOne();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{}| 400| schema_violation| service_name is required",
      "{\"service_name\": 7}| 400| schema_violation| service_name is required",
      "{\"service_name\": \"opt/imizer\"}| 400| schema_violation| service_name must be 1-64 letters",
      "{\"service_name\": \"opt+x\"}| 400| schema_violation| got 'opt+x'",
      "{\"service_name\": \"opt-1\"}| 400| schema_violation| without '-' (a '-' ends the name in the client ids",
      "[1]| 400| schema_violation| JSON object",
      "{oops| 400| malformed_json| not valid JSON"})
  void a_bad_service_registration_is_a_clear_4xx_and_registers_nothing(String body, int status, String code,
      String sentence) {
    HttpResponse<String> answer = fixture.call("POST", "/api/v1/admin/services", admin, body);

    assertError(answer, status, code);
    assertThat(json(answer.body()).path("error").path("message").asText()).contains(sentence);
    assertThat(count("services", "service_name NOT LIKE 'optimizer%'")).isZero();
  }

  @Test
  void a_taken_service_name_is_a_conflict_and_an_unknown_one_is_not_found() {
    fixture.call("POST", "/api/v1/admin/services", admin, "{\"service_name\": \"optimizer_twice\"}");
    String hash = serviceColumn("secret_hash", "optimizer_twice");

    assertError(fixture.call("POST", "/api/v1/admin/services", admin, "{\"service_name\": \"optimizer_twice\"}"),
        409, "service_exists");
    assertThat(serviceColumn("secret_hash", "optimizer_twice")).isEqualTo(hash);
    assertError(fixture.call("POST", "/api/v1/admin/services/nobody/rotate", admin, null), 404, "unknown_service");
    assertError(fixture.call("DELETE", "/api/v1/admin/services/nobody", admin, null), 404, "unknown_service");
  }

  @Test
  void a_service_row_named_with_a_dash_is_not_rotated_back_into_use_but_can_be_revoked() {
    fixture.database().useHandle(h -> h.execute(
        "INSERT INTO services (service_name, secret_hash, credential_version) VALUES ('optimizer-legacy', 'x', 1)"));

    HttpResponse<String> rotated = fixture.call("POST", "/api/v1/admin/services/optimizer-legacy/rotate", admin, null);

    assertError(rotated, 400, "schema_violation");
    assertThat(json(rotated.body()).path("error").path("message").asText()).contains("without '-'");
    assertThat(serviceColumn("secret_hash", "optimizer-legacy")).isEqualTo("x");
    assertThat(fixture.call("DELETE", "/api/v1/admin/services/optimizer-legacy", admin, null).statusCode()).isEqualTo(204);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"GET, /api/v1/admin/services", "POST, /api/v1/admin/services",
      "POST, /api/v1/admin/services/optimizer_x/rotate", "DELETE, /api/v1/admin/services/optimizer_x"})
  void the_service_admin_routes_are_refused_to_other_users(String method, String path) {
    fixture.call("POST", "/api/v1/admin/services", admin, "{\"service_name\": \"optimizer_x\"}");
    String hash = serviceColumn("secret_hash", "optimizer_x");

    assertError(fixture.call(method, path, operator, "{\"service_name\": \"optimizer_y\"}"), 403, "forbidden");
    assertThat(serviceColumn("secret_hash", "optimizer_x")).isEqualTo(hash);
    assertThat(count("services", "service_name = 'optimizer_y'")).isZero();
  }

  private List<String> adminActionsOn(String subject) {
    return fixture.database().withHandle(h -> h.createQuery(
            "SELECT action FROM admin_actions WHERE subject = :subject ORDER BY at, action_id")
        .bind("subject", subject).mapTo(String.class).list());
  }

  private int count(String table, String condition) {
    return fixture.database().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table + " WHERE " + condition)
        .mapTo(Integer.class).one());
  }

  private String serviceColumn(String column, String serviceName) {
    return fixture.database().withHandle(h -> h.createQuery("SELECT " + column
        + " FROM services WHERE service_name = :name").bind("name", serviceName).mapTo(String.class).one());
  }

  @Test
  void the_admin_routes_are_refused_to_other_users() {
    assertError(fixture.call("POST", "/api/v1/admin/edges", operator, "{\"edge_id\": \"x\", \"site_id\": \"y\"}"), 403,
        "forbidden");
    assertError(fixture.call("POST", "/api/v1/admin/grants", operator,
        "{\"principal\": \"user:456\", \"edge_pattern\": \"*\", \"can_view\": true, \"can_control\": true}"), 403,
        "forbidden");
    assertError(fixture.call("GET", "/api/v1/admin/grants", operator, null), 403, "forbidden");
    assertError(fixture.call("DELETE", "/api/v1/admin/edges/" + EDGE, operator, null), 403, "forbidden");
    assertThat(count("edges", "edge_id = '" + EDGE + "' AND revoked_at IS NULL")).isOne();
  }

  @Test
  void an_admin_lists_the_grants_of_everyone_or_of_one_principal() {
    fixture.call("POST", "/api/v1/admin/grants", admin,
        "{\"principal\": \"user:777\", \"edge_pattern\": \"site3_*\", \"can_view\": true, \"can_control\": false}");
    fixture.call("POST", "/api/v1/admin/grants", admin,
        "{\"principal\": \"user:777\", \"edge_pattern\": \"site4_edge\", \"can_view\": true, \"can_control\": true}");

    JsonNode all = json(fixture.call("GET", "/api/v1/admin/grants", admin, null).body()).path("grants");
    JsonNode ofOne = json(fixture.call("GET", "/api/v1/admin/grants?principal=user:777", admin, null).body())
        .path("grants");

    assertThat(all).extracting(grant -> grant.path("principal").asText()).contains("user:456", "user:777");
    assertThat(ofOne).extracting(grant -> grant.path("edge_pattern").asText() + " view=" + grant.path("can_view")
        .asBoolean() + " control=" + grant.path("can_control").asBoolean())
        .containsExactly("site3_* view=true control=false", "site4_edge view=true control=true");
    assertThat(json(fixture.call("GET", "/api/v1/admin/grants?principal=user:0", admin, null).body()).path("grants"))
        .isEmpty();
  }

  @Test
  void an_admin_revokes_an_edge_which_is_listed_revoked_audited_and_reinstated_by_rotating_its_secret() {
    fixture.call("POST", "/api/v1/admin/edges", admin, "{\"edge_id\": \"site8_edge_prod\", \"site_id\": \"site8\"}");

    assertThat(fixture.call("DELETE", "/api/v1/admin/edges/site8_edge_prod", admin, null).statusCode()).isEqualTo(204);

    assertThat(listedEdge("site8_edge_prod").path("revoked_at").isTextual()).isTrue();
    assertThat(count("edges", "edge_id = 'site8_edge_prod' AND revoked_at IS NOT NULL")).isOne();
    fixture.call("POST", "/api/v1/admin/edges/site8_edge_prod/rotate", admin, null);
    assertThat(listedEdge("site8_edge_prod").path("revoked_at").isNull()).isTrue();
    assertThat(adminActionsOn("site8_edge_prod")).containsExactly("edge.register", "edge.revoke", "edge.rotate");
    assertError(fixture.call("DELETE", "/api/v1/admin/edges/site9_edge_none", admin, null), 404, "unknown_edge");
  }

  private JsonNode listedEdge(String edgeId) {
    JsonNode edges = json(fixture.call("GET", "/api/v1/edges", admin, null).body()).path("edges");
    for (JsonNode edge : edges) {
      if (edge.path("edge_id").asText().equals(edgeId)) {
        return edge;
      }
    }
    throw new AssertionError(edgeId + " is not listed in " + edges);
  }

  @Test
  void grants_are_given_and_revoked_over_the_admin_api() {
    String viewer = fixture.token("555");
    fixture.call("POST", "/api/v1/commands", operator, seedCommand("for_viewer"));
    assertError(fixture.call("GET", "/api/v1/commands/for_viewer", viewer, null), 404, "unknown_command");

    assertThat(fixture.call("POST", "/api/v1/admin/grants", admin,
        "{\"principal\": \"user:555\", \"edge_pattern\": \"site1_*\", \"can_view\": true, \"can_control\": false}")
        .statusCode()).isEqualTo(201);
    assertThat(fixture.call("GET", "/api/v1/commands/for_viewer", viewer, null).statusCode()).isEqualTo(200);
    assertError(fixture.call("POST", "/api/v1/commands", viewer, seedCommand("viewer_try")), 403, "forbidden");

    assertThat(fixture.call("DELETE", "/api/v1/admin/grants?principal=user:555&edge_pattern=site1_*", admin, null)
        .statusCode()).isEqualTo(204);
    assertError(fixture.call("GET", "/api/v1/commands/for_viewer", viewer, null), 404, "unknown_command");
    assertError(fixture.call("DELETE", "/api/v1/admin/grants?principal=user:555&edge_pattern=site1_*", admin, null),
        404, "unknown_grant");
  }

  @Test
  void a_capability_config_is_validated_and_stored_as_the_next_version() {
    String config = CloudFixture.siteConfigText(EDGE);

    HttpResponse<String> stored = fixture.call("PUT", "/api/v1/admin/edges/" + EDGE + "/config", admin, config);

    assertThat(json(stored.body()).path("version").asInt()).isEqualTo(2);
    HttpResponse<String> invalid = fixture.call("PUT", "/api/v1/admin/edges/" + EDGE + "/config", admin,
        "{\"devices\": [{\"device_id\": \"x\"}]}");
    assertError(invalid, 422, "invalid_config");
  }

  @Test
  void a_config_naming_another_edge_or_a_bound_its_register_cannot_hold_is_refused_and_nothing_stored() {
    String otherSite = CloudFixture.siteConfigText(OTHER_EDGE);
    String tooWide = CloudFixture.siteConfigText(EDGE)
        .replace("\"type\": \"int32\", \"word_order\": \"big\", \"unit\": \"W\"",
            "\"type\": \"int16\", \"word_order\": \"big\", \"unit\": \"W\"");
    int before = configVersions();

    HttpResponse<String> foreign = fixture.call("PUT", "/api/v1/admin/edges/" + EDGE + "/config", admin, otherSite);
    HttpResponse<String> unholdable = fixture.call("PUT", "/api/v1/admin/edges/" + EDGE + "/config", admin, tooWide);

    assertError(foreign, 422, "invalid_config");
    assertThat(json(foreign.body()).path("error").path("message").asText()).contains("names edge '" + OTHER_EDGE + "'");
    assertError(unholdable, 422, "invalid_config");
    assertThat(json(unholdable.body()).path("error").path("message").asText())
        .contains("bms_main/SetActivePower", "int16", "-32768 .. 32767");
    assertThat(configVersions()).isEqualTo(before);
  }

  private int configVersions() {
    return fixture.database().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM capability_configs WHERE edge_id = :edgeId").bind("edgeId", EDGE).mapTo(Integer.class).one());
  }

  @Test
  void development_tokens_are_minted_in_demo_mode() {
    HttpResponse<String> minted = fixture.call("POST", "/api/v1/dev/token", null, "{\"user_id\": \"456\", \"ttl_sec\": 60}");

    assertThat(minted.statusCode()).isEqualTo(200);
    String token = json(minted.body()).path("access").asText();
    assertThat(fixture.call("GET", "/api/v1/edges", token, null).statusCode()).isEqualTo(200);
  }

  @Test
  void health_reports_each_dependency() {
    JsonNode health = json(fixture.call("GET", "/health", null, null).body());

    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("db").asBoolean()).isTrue();
    assertThat(health.path("redis").asBoolean()).isTrue();
    assertThat(health.path("mqtt").asBoolean()).isTrue();
  }

  @Test
  void a_route_that_does_not_exist_answers_not_found_naming_the_path() {
    HttpResponse<String> nowhere = fixture.call("GET", "/nowhere", null, null);
    HttpResponse<String> webSocketWithoutUpgrade = fixture.call("GET", "/ws", null, null);
    HttpResponse<String> unknownApiRoute = fixture.call("GET", "/api/v1/nothing_here", operator, null);

    assertError(nowhere, 404, "not_found");
    assertError(webSocketWithoutUpgrade, 404, "not_found");
    assertError(unknownApiRoute, 404, "not_found");
    assertThat(json(nowhere.body()).path("error").path("message").asText()).contains("GET /nowhere");
    assertThat(json(webSocketWithoutUpgrade.body()).path("error").path("message").asText()).contains("upgrade");
  }
}
