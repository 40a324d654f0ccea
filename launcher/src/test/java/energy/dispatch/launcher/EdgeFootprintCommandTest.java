package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dispatch bench edge-footprint} parses its options and refuses bad ones before starting anything. */
class EdgeFootprintCommandTest {

  @Test
  void help_names_the_options_and_their_defaults() {
    TestSystems.Run run = TestSystems.dispatch("bench", "edge-footprint", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--cycles", "(default 300)", "--command-every", "(default 10)", "--out");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--cycles|0|--cycles must be at least 1, was 0",
      "--command-every|-2|--command-every must be 0 (no commands) or a number of seconds, was -2",
      "--site-config|no/such/site.json|--site-config no/such/site.json is not a readable file",
      "--cycles|many|Invalid value for option '--cycles'",
  })
  void a_bad_option_is_refused_with_its_name_and_value(String option, String value, String message) {
    TestSystems.Run run = TestSystems.dispatch("bench", "edge-footprint", option, value);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(message);
  }
}
