package energy.dispatch.cloud.ws;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad input of issue 2 that the cloud catches: refused with a code and a sentence, the socket still works. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

  private TestBroker broker;
  private CloudFixture fixture;
  private TestSocket socket;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker);
    fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    fixture.registerEdge("depot_edge_1");
    socket = fixture.socket(OPERATOR);
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  static Stream<Arguments> badCommands() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"command_id\": \"bad_json\", ", "malformed_json", "not valid JSON"),
        Arguments.of("schema violation", seedCommand("bad_schema").replace("\"setpoint\"", "\"setpoints\""),
            "schema_violation", "command_type"),
        Arguments.of("missing target", "{\"command_id\": \"bad_target\", \"command_type\": \"setpoint\", \"value\": 1}",
            "schema_violation", "target"),
        Arguments.of("unknown edge", seedCommand("bad_edge", "site9_edge_prod", 1000), "unknown_edge",
            "site9_edge_prod"),
        Arguments.of("no grant", seedCommand("bad_grant", "depot_edge_1", 1000), "forbidden", "may not control"),
        Arguments.of("value out of range", seedCommand("bad_range", EDGE, 500_000), "out_of_range",
            "-100000 to 100000 W"),
        Arguments.of("unknown device", seedCommand("bad_device").replace("bms_main", "bms_spare"), "unknown_device",
            "bms_spare"),
        Arguments.of("unknown channel", seedCommand("bad_channel").replace("SetActivePower", "SetFrequency"),
            "unknown_channel", "SetFrequency"),
        Arguments.of("read-only channel", seedCommand("bad_readonly").replace("SetActivePower", "Soc"),
            "channel_not_writable", "read-only"),
        Arguments.of("wrong unit", seedCommand("bad_unit").replace("\"W\"", "\"kW\""), "wrong_unit", "is in W, not kW"),
        Arguments.of("stamps set by the client", seedCommand("bad_stamp").replace("\"source\"",
            "\"expires_at\": \"2030-01-01T00:00:00Z\", \"source\""), "schema_violation", "expires_at"),
        Arguments.of("NUL in a string", seedCommand("bad_nul").replace("\"user_456\"", "\"a\\u0000b\""),
            "schema_violation", "$.source"),
        Arguments.of("NUL in the command id", seedCommand("bad\\u0000id"), "schema_violation", "command_id"),
        Arguments.of("NUL in a field name", seedCommand("bad_nul_key").replace("\"source\"", "\"\\u0000\": 1, \"source\""),
            "schema_violation", "field name containing the NUL"),
        Arguments.of("a lone surrogate", seedCommand("bad_surrogate").replace("\"user_456\"", "\"\\ud800\""),
            "schema_violation", "$.source"),
        Arguments.of("a field given twice", seedCommand("bad_twice").replace("\"value\": 50000,",
            "\"value\": 50000, \"value\": -50000,"), "malformed_json", "Duplicate field 'value'"),
        Arguments.of("text after the command", seedCommand("bad_trailing") + " {}", "malformed_json", "not valid JSON"),
        Arguments.of("expiry beyond any bound", seedCommand("bad_expiry").replace("\"expiry_sec\": 300",
            "\"expiry_sec\": 1000000000000"), "schema_violation", "expiry_sec"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCommands")
  void a_bad_command_is_refused_with_a_code_and_a_sentence_and_the_socket_keeps_working(String name, String message,
      String code, String sentencePart) {
    int before = socket.messages().size();

    socket.send(message);

    JsonNode refused = await().until(() -> socket.messages().stream().skip(before)
        .filter(m -> m.path("status").asText().equals("refused")).findFirst().orElse(null), m -> m != null);
    assertThat(refused.path("type").asText()).isEqualTo("command_status");
    assertThat(refused.path("error").path("code").asText()).isEqualTo(code);
    assertThat(refused.path("error").path("message").asText()).contains(sentencePart)
        .doesNotContain("energy.dispatch", "reference chain", "Exception");
    assertStillWorks(name.replace(' ', '_'));
  }

  @Test
  void refusals_are_audited_and_leave_no_command_behind() {
    socket.send(seedCommand("bad_audit", EDGE, 999_999));
    socket.awaitStatus("bad_audit", "refused");

    assertThat(fixture.refusalCodes("bad_audit")).containsExactly("out_of_range");
    assertThat(fixture.auditedStatuses("bad_audit")).isEmpty();
  }

  @Test
  void a_refusal_naming_a_field_with_a_nul_in_its_name_is_still_audited() {
    socket.send(seedCommand("bad_nul_key_audit").replace("\"source\"", "\"x\\u0000\": 1, \"source\""));
    socket.awaitStatus("bad_nul_key_audit", "refused");

    await().until(() -> fixture.refusalCodes("bad_nul_key_audit"), codes -> !codes.isEmpty());
    assertThat(fixture.refusalCodes("bad_nul_key_audit")).containsExactly("schema_violation");
  }

  @Test
  void a_binary_frame_is_answered_and_the_socket_keeps_working() {
    int before = socket.messages().size();

    socket.sendBinary(seedCommand("sent_as_binary").getBytes(java.nio.charset.StandardCharsets.UTF_8));

    JsonNode refused = await().until(() -> socket.messages().stream().skip(before)
        .filter(m -> m.path("status").asText().equals("refused")).findFirst().orElse(null), m -> m != null);
    assertThat(refused.path("error").path("code").asText()).isEqualTo("malformed_json");
    assertThat(refused.path("error").path("message").asText()).contains("text frame");
    assertStillWorks("after_binary");
  }

  @Test
  void unreadable_messages_are_audited_too() {
    int before = socket.messages().size();
    socket.send("{not json at all");
    await().until(() -> socket.messages().stream().skip(before).anyMatch(m -> m.path("status").asText().equals("refused")));

    long malformed = fixture.database().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM refusals WHERE code = 'malformed_json' AND principal = 'user:456'").mapTo(Long.class).one());
    assertThat(malformed).isPositive();
  }

  @Test
  void a_refused_command_reserves_no_id() {
    socket.send(seedCommand("reuse_after_refusal", EDGE, 999_999));
    socket.awaitStatus("reuse_after_refusal", "refused");

    socket.send(seedCommand("reuse_after_refusal"));

    socket.awaitStatus("reuse_after_refusal", "executed");
  }

  @Test
  void another_command_under_a_used_id_is_refused_revealing_nothing() {
    socket.send(seedCommand("used_id", EDGE, 1000));
    socket.awaitStatus("used_id", "executed");

    socket.send(seedCommand("used_id", EDGE, 2000));

    JsonNode refused = socket.awaitStatus("used_id", "refused");
    assertThat(refused.path("error").path("code").asText()).isEqualTo("duplicate_command_id");
    assertThat(refused.path("error").path("message").asText()).doesNotContain("1000", "456", "executed");
  }

  @Test
  void the_same_command_with_a_number_in_another_form_is_answered_as_the_same_command() {
    socket.send(seedCommand("same_by_value", EDGE, 10_000));
    socket.awaitStatus("same_by_value", "executed");
    int before = socket.messages().size();

    socket.send(seedCommand("same_by_value", EDGE, 10_000.0));

    JsonNode answer = await().until(() -> socket.messages().stream().skip(before)
        .filter(m -> m.path("command_id").asText().equals("same_by_value")).findFirst().orElse(null), m -> m != null);
    assertThat(answer.path("status").asText()).isEqualTo("executed");
    assertThat(fixture.refusalCodes("same_by_value")).isEmpty();
  }

  @Test
  void another_user_reusing_an_id_gets_duplicate_command_id() {
    socket.send(seedCommand("someone_elses_id"));
    socket.awaitStatus("someone_elses_id", "executed");
    fixture.cloud().grant("user:789", "*", true, true);
    TestSocket other = fixture.socket("789");

    other.send(seedCommand("someone_elses_id"));

    assertThat(other.awaitStatus("someone_elses_id", "refused").path("error").path("code").asText())
        .isEqualTo("duplicate_command_id");
  }

  @Test
  void an_oversized_message_is_refused_on_an_open_socket() {
    String huge = seedCommand("too_big").replace("\"user_456\"", "\"" + "x".repeat(70_000) + "\"");

    socket.send(huge);

    await().until(() -> socket.messages().stream().anyMatch(m -> m.path("error").path("code").asText()
        .equals("payload_too_large")));
    assertStillWorks("after_oversized");
  }

  @Test
  void a_message_beyond_what_jetty_reads_closes_only_that_socket_with_1009() {
    TestSocket own = fixture.socket(OPERATOR);
    String enormous = seedCommand("far_too_big").replace("\"user_456\"", "\"" + "x".repeat(300_000) + "\"");

    own.send(enormous);

    assertThat(own.closed().orTimeout(10, TimeUnit.SECONDS).join()).startsWith("1009");
    assertStillWorks("after_enormous");
  }

  @Test
  void a_cancel_of_an_id_holding_a_nul_is_an_unknown_command() {
    int before = socket.messages().size();

    socket.send("{\"type\": \"cancel\", \"command_id\": \"a\\u0000b\"}");

    JsonNode answer = await().until(() -> socket.messages().stream().skip(before)
        .filter(m -> m.has("error")).findFirst().orElse(null), m -> m != null);
    assertThat(answer.path("error").path("code").asText()).isEqualTo("unknown_command");
    assertStillWorks("after_nul_cancel");
  }

  @Test
  void an_unknown_message_type_is_answered_and_the_socket_stays_open() {
    socket.send("{\"type\": \"subscribe_everything\"}");

    await().until(() -> socket.messages().stream().anyMatch(m -> m.path("error").path("code").asText()
        .equals("unknown_message_type")));
    assertStillWorks("after_unknown_type");
  }

  private void assertStillWorks(String suffix) {
    String commandId = "ok_" + suffix;
    socket.send(seedCommand(commandId));
    socket.awaitStatus(commandId, "executed");
    assertThat(socket.isOpen()).isTrue();
  }
}
