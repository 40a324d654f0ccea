package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeStateSchemaTest {

  private static ObjectNode example() throws IOException {
    return (ObjectNode) Json.mapper().readTree(Path.of("examples", "edge-state.online.json").toFile());
  }

  private static List<String> violationsOf(JsonNode state) {
    return SchemaValidator.instance().violations(SchemaValidator.Schema.EDGE_STATE, state);
  }

  @Test
  void start_lateness_without_its_p99_is_refused() throws IOException {
    ObjectNode state = example();
    ((ObjectNode) state.get("cycle_start_lateness_ms")).remove("p99");

    assertThat(violationsOf(state)).anySatisfy(message -> assertThat(message).contains("p99"));
  }

  @Test
  void a_negative_start_lateness_is_refused() throws IOException {
    ObjectNode state = example();
    ((ObjectNode) state.get("cycle_start_lateness_ms")).put("max", -1.5);

    assertThat(violationsOf(state)).anySatisfy(message -> assertThat(message).contains("max"));
  }

  @Test
  void the_example_is_valid() throws IOException {
    assertThat(violationsOf(example())).isEmpty();
  }

  @Test
  void an_unreachable_device_without_a_reason_is_refused() throws IOException {
    ObjectNode state = example();
    ((ObjectNode) state.get("devices").get("grid_meter")).remove("reason");

    assertThat(violationsOf(state)).isNotEmpty();
  }

  @Test
  void a_reachable_device_with_a_reason_is_refused() throws IOException {
    ObjectNode state = example();
    ((ObjectNode) state.get("devices").get("bms_main")).put("reason", "stale");

    assertThat(violationsOf(state)).isNotEmpty();
  }

  @Test
  void a_device_without_its_since_is_refused() throws IOException {
    ObjectNode state = example();
    ((ObjectNode) state.get("devices").get("bms_main")).remove("since");

    assertThat(violationsOf(state)).anySatisfy(message -> assertThat(message).contains("since"));
  }

  @Test
  void the_offline_last_will_needs_no_cycle_figures() {
    ObjectNode offline = Json.mapper().createObjectNode().put("edge_id", "site1_edge_prod").put("online", false);

    assertThat(violationsOf(offline)).isEmpty();
  }
}
