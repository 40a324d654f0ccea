package energy.dispatch.cloud.command;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.schema.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Idempotency compares commands by meaning: numbers by value, the client's timestamp and source ignored. */
class FingerprintTest {

  @ParameterizedTest(name = "{0} vs {1}: same = {2}")
  @CsvSource(delimiter = '|', value = {
      "10000   | 10000.0 | true",
      "10000   | 1e4     | true",
      "0.5     | 0.50    | true",
      "-1500.25| -1500.250| true",
      "10000   | 10001   | false",
      "0.5     | 0.05    | false",
      "10000   | '\"10000\"' | false"})
  void numbers_are_compared_by_value(String first, String second, boolean same) {
    assertThat(Fingerprint.of(command(first)).equals(Fingerprint.of(command(second)))).isEqualTo(same);
  }

  private static energy.dispatch.schema.Command command(String value) {
    String json = """
        {"command_id": "fp_1", "command_type": "setpoint",
         "target": {"edge_id": "site1_edge_prod", "device_id": "bms_main", "channel": "SetActivePower"},
         "value": %s, "unit": "W", "expiry_sec": 300}""".formatted(value);
    try {
      return Json.mapper().readValue(json, energy.dispatch.schema.Command.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
