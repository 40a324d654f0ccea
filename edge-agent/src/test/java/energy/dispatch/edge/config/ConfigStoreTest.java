package energy.dispatch.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.edge.testing.EdgeHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest {

  @TempDir
  Path directory;

  @Test
  void loads_the_edges_own_config() {
    assertThat(new ConfigStore(EdgeHarness.DEMO_CONFIG).load("site1_edge_prod").version()).isEqualTo(1);
  }

  @Test
  void a_missing_file_is_a_clear_error() {
    Path missing = directory.resolve("missing.json");

    assertThatThrownBy(() -> new ConfigStore(missing).load("site1_edge_prod"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot read the capability config " + missing);
  }

  @Test
  void an_invalid_file_names_every_problem() throws Exception {
    Path invalid = Files.writeString(directory.resolve("invalid.json"), "{\"edge_id\":\"site1_edge_prod\"}");

    assertThatThrownBy(() -> new ConfigStore(invalid).load("site1_edge_prod"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is invalid")
        .hasMessageContaining("version")
        .hasMessageContaining("devices");
  }

  @Test
  void another_edges_config_is_refused() {
    assertThatThrownBy(() -> new ConfigStore(EdgeHarness.DEMO_CONFIG).load("site2_edge_prod"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is for edge site1_edge_prod, not site2_edge_prod");
  }
}
