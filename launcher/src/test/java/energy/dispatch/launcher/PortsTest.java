package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void explicit_port_that_is_taken_is_an_error_naming_the_setting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());

      assertThatThrownBy(() -> Ports.choose("DISPATCH_HTTP_PORT", port, 8080))
          .hasMessageContaining("DISPATCH_HTTP_PORT=" + port)
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void preferred_port_that_is_taken_gives_way_to_a_free_one() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int chosen = Ports.choose("DISPATCH_MQTT_PORT", null, taken.getLocalPort());

      assertThat(chosen).isNotEqualTo(taken.getLocalPort()).isPositive();
      assertThat(Ports.isFree(chosen)).isTrue();
    }
  }

  @Test
  void explicit_port_that_is_free_is_taken_as_given() {
    int free = Ports.anyFree();

    assertThat(Ports.choose("DISPATCH_HTTP_PORT", Integer.toString(free), 8080)).isEqualTo(free);
  }

  @Test
  void port_that_is_not_a_number_is_an_error_naming_the_setting() {
    assertThatThrownBy(() -> Ports.choose("DISPATCH_MQTT_PORT", "eighty", 1883))
        .hasMessageContaining("DISPATCH_MQTT_PORT='eighty'");
    assertThatThrownBy(() -> Ports.choose("DISPATCH_MQTT_PORT", "70000", 1883))
        .hasMessageContaining("0-65535");
  }
}
