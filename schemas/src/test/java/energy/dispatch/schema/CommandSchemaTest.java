package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandSchemaTest {

  private static final String SEED = """
      {"command_id": "cmd_12345", "command_type": "setpoint",
       "target": {"edge_id": "site1_edge_prod", "device_id": "bms_main", "channel": "SetActivePower"},
       "value": 50000, "unit": "W", "expiry_sec": 300, "source": "user_456",
       "timestamp": "2026-02-15T14:30:00Z"}""";

  private static List<String> violationsOf(JsonNode command) {
    return SchemaValidator.instance().violations(SchemaValidator.Schema.COMMAND, command);
  }

  private static ObjectNode seed() throws Exception {
    return (ObjectNode) Json.mapper().readTree(SEED);
  }

  @Test
  void seed_command_is_valid_and_round_trips_through_the_java_type() throws Exception {
    Command command = Json.mapper().treeToValue(seed(), Command.class);

    assertThat(violationsOf(seed())).isEmpty();
    assertThat(command.priority()).isEqualTo(Priority.NORMAL);
    assertThat(command.target().channelKey()).isEqualTo("bms_main/SetActivePower");
    assertThat(violationsOf(Json.mapper().valueToTree(command))).isEmpty();
  }

  @ParameterizedTest(name = "{0} is refused naming {1}")
  @CsvSource(delimiter = '|', value = {
      "/command_type|\"launch\"|command_type",
      "/value|\"fifty\"|value",
      "/expiry_sec|0|expiry_sec",
      "/expiry_sec|1000000000000|expiry_sec",
      "/hold_sec|31536001|hold_sec",
      "/priority|\"urgent\"|priority",
      "/surprise|1|surprise",
      "/command_id|\"has space\"|command_id",
  })
  void violation_names_the_field(String pointer, String json, String field) throws Exception {
    ObjectNode command = seed();
    command.set(pointer.substring(1), Json.mapper().readTree(json));

    assertThat(violationsOf(command)).anySatisfy(message -> assertThat(message).contains(field));
  }

  @Test
  void setpoint_without_channel_is_refused() throws Exception {
    ObjectNode command = seed();
    ((ObjectNode) command.get("target")).remove("channel");

    assertThat(violationsOf(command)).anySatisfy(message -> assertThat(message).contains("channel"));
  }

  @Test
  void setpoint_with_null_value_is_a_release() throws Exception {
    ObjectNode command = seed();
    command.putNull("value");

    assertThat(violationsOf(command)).isEmpty();
    assertThat(Json.mapper().treeToValue(command, Command.class).isRelease()).isTrue();
  }

  @Test
  void a_target_field_the_command_type_does_not_use_is_refused_naming_it() throws Exception {
    ObjectNode restart = (ObjectNode) Json.mapper().readTree("{\"command_id\": \"cmd_restart\", "
        + "\"command_type\": \"system\", \"value\": \"restart\", "
        + "\"target\": {\"edge_id\": \"site1_edge_prod\", \"device_id\": \"bms_main\"}}");
    ObjectNode setpoint = seed();
    ((ObjectNode) setpoint.get("target")).put("controller", "peak_shaving");

    assertThat(violationsOf(restart)).anySatisfy(message -> assertThat(message).contains("device_id"));
    assertThat(violationsOf(setpoint)).anySatisfy(message -> assertThat(message).contains("controller"));
  }

  @Test
  void a_command_without_a_type_is_told_so_and_not_what_every_type_would_need() throws Exception {
    List<String> violations = violationsOf(Json.mapper().readTree("{}"));

    assertThat(violations).anySatisfy(message -> assertThat(message).contains("command_type"));
    assertThat(violations).noneSatisfy(message -> assertThat(message).contains("duration_sec"));
  }
}
