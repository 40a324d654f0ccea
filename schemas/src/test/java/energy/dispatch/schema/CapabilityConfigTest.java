package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapabilityConfigTest {

  private static JsonNode configWith(String channel) throws Exception {
    return Json.mapper().readTree("""
        {"edge_id": "site1_edge_prod", "version": 1,
         "devices": [{"device_id": "bms_main", "kind": "battery", "host": "127.0.0.1", "port": 5020, "unit_id": 1,
                      "channels": [%s]}],
         "controllers": []}""".formatted(channel));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "int16 at scale 1 cannot hold 100000|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"unit\": \"W\", \"access\": \"write\", \"min\": -100000, \"max\": 100000}|int16",
      "int16 with SunSpec markers cannot write -32768|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"unit\": \"W\", \"access\": \"write\", \"min\": -32768, \"max\": 100, \"sunspec_not_implemented\": true}|int16",
      "uint16 with SunSpec markers cannot write 65535|{\"name\": \"P\", \"register\": 0, \"type\": \"uint16\", \"unit\": \"W\", \"access\": \"write\", \"min\": 0, \"max\": 65535, \"sunspec_not_implemented\": true}|uint16",
      "uint16 cannot hold a negative bound|{\"name\": \"P\", \"register\": 0, \"type\": \"uint16\", \"unit\": \"W\", \"access\": \"write\", \"min\": -1, \"max\": 100}|uint16",
  })
  void a_writable_bound_its_register_cannot_hold_is_refused_naming_channel_and_range(String name, String channel,
      String type) {
    assertThatThrownBy(() -> CapabilityConfig.parse(configWith(channel)))
        .isInstanceOf(CapabilityConfig.InvalidConfigException.class)
        .hasMessageContaining("bms_main/P").hasMessageContaining(type);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "int16 at scale 10 holds 100000|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"scale\": 10, \"unit\": \"W\", \"access\": \"write\", \"min\": -100000, \"max\": 100000}",
      "a sign of -1 mirrors the range|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"sign\": -1, \"unit\": \"W\", \"access\": \"write\", \"min\": -32767, \"max\": 32768}",
      "a scale register is checked at the edge|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"scale_register\": 9, \"unit\": \"W\", \"access\": \"write\", \"min\": -100000, \"max\": 100000}",
      "int16 without SunSpec markers writes -32768|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"unit\": \"W\", \"access\": \"write\", \"min\": -32768, \"max\": 100}",
      "int16 with SunSpec markers writes -32767|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"unit\": \"W\", \"access\": \"write\", \"min\": -32767, \"max\": 100, \"sunspec_not_implemented\": true}",
      "a read-only channel has no writes to fit|{\"name\": \"P\", \"register\": 0, \"type\": \"int16\", \"unit\": \"W\", \"access\": \"read\", \"min\": -100000, \"max\": 100000}",
  })
  void a_bound_the_register_holds_is_accepted(String name, String channel) throws Exception {
    assertThat(CapabilityConfig.parse(configWith(channel)).devices()).hasSize(1);
  }

  @ParameterizedTest(name = "access {0}")
  @CsvSource({"write", "read_write"})
  void a_writable_channel_in_an_input_register_is_refused_saying_why(String access) {
    String channel = """
        {"name": "P", "register": 0, "type": "int16", "unit": "W", "access": "%s", "register_kind": "input"}"""
        .formatted(access);

    assertThatThrownBy(() -> CapabilityConfig.parse(configWith(channel)))
        .isInstanceOf(CapabilityConfig.InvalidConfigException.class)
        .hasMessageContaining("bms_main/P").hasMessageContaining("input register, which Modbus cannot write");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"holding, false", "input, true"})
  void a_read_only_channel_declares_the_register_kind_it_is_in(String kind, boolean input) throws Exception {
    String channel = """
        {"name": "P", "register": 0, "type": "int16", "unit": "W", "access": "read", "register_kind": "%s"}"""
        .formatted(kind);

    assertThat(CapabilityConfig.parse(configWith(channel)).devices().get(0).channels().get(0).inInputRegister())
        .isEqualTo(input);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"coil", "Input", "4"})
  void an_unknown_register_kind_is_refused_by_the_schema(String kind) {
    String channel = """
        {"name": "P", "register": 0, "type": "int16", "unit": "W", "access": "read", "register_kind": "%s"}"""
        .formatted(kind);

    assertThatThrownBy(() -> CapabilityConfig.parse(configWith(channel)))
        .isInstanceOf(CapabilityConfig.InvalidConfigException.class).hasMessageContaining("register_kind");
  }

  @Test
  void register_kind_is_holding_unless_declared() throws Exception {
    String channel = """
        {"name": "P", "register": 0, "type": "int16", "unit": "W", "access": "read_write"}""";

    CapabilityConfig.Channel parsed = CapabilityConfig.parse(configWith(channel)).devices().get(0).channels().get(0);

    assertThat(parsed.registerKind()).isEqualTo("holding");
    assertThat(parsed.inInputRegister()).isFalse();
  }
}
