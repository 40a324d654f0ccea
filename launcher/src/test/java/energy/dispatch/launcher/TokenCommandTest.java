package energy.dispatch.launcher;

import static energy.dispatch.launcher.TestSystems.dispatch;
import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.launcher.TestSystems.Run;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ./dispatch token} refuses what would mint a token the cloud never accepts, before any secret is read. */
class TokenCommandTest {

  @ParameterizedTest(name = "--minutes {0}")
  @ValueSource(strings = {"-5", "0", "1441"})
  void a_validity_outside_one_minute_to_a_day_is_refused_naming_the_range(String minutes) {
    Run run = dispatch("token", "--user", "456", "--minutes", minutes);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--minutes must be from 1 to 1440, got " + minutes);
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest(name = "--user ''{0}''")
  @ValueSource(strings = {"", " 456", "45 6", "a\u0000b"})
  void a_user_id_the_verifier_would_refuse_is_refused_with_its_rule(String userId) {
    Run run = dispatch("token", "--user", userId);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--user must be a number, or a string of 1 to 128 characters without spaces");
    assertThat(run.out()).isEmpty();
  }
}
