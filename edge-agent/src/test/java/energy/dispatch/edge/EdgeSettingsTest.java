package energy.dispatch.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EdgeSettingsTest {

  private static final String SECRET = "edge-secret-never-shown";
  private final EdgeSettings defaults = EdgeSettings.of("site1_edge1", SECRET, "127.0.0.1", 1883,
      Path.of("config.json"), Path.of("journal.db"));

  @Test
  void the_keep_alive_defaults_to_thirty_seconds_and_can_be_changed() {
    assertThat(defaults.keepAliveSeconds()).isEqualTo(30);
    assertThat(defaults.withKeepAliveSeconds(4).keepAliveSeconds()).isEqualTo(4);
    assertThat(defaults.withKeepAliveSeconds(4).edgeId()).isEqualTo("site1_edge1");
  }

  @Test
  void a_keep_alive_outside_what_mqtt_can_carry_is_refused_naming_the_setting() {
    assertThatThrownBy(() -> defaults.withKeepAliveSeconds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAliveSeconds");
    assertThatThrownBy(() -> defaults.withKeepAliveSeconds(65_536))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAliveSeconds must be at most 65535");
  }

  @Test
  void the_settings_never_show_the_secret() {
    assertThat(defaults.withKeepAliveSeconds(4).toString()).doesNotContain(SECRET).contains("keepAliveSeconds=4");
  }
}
