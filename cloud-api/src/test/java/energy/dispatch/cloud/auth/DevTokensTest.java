package energy.dispatch.cloud.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.cloud.support.TestSettings;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class DevTokensTest {

  @Test
  void outside_demo_mode_no_minter_exists() {
    assertThatThrownBy(() -> DevTokens.create(false, TestSettings.JWT_SECRET, Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("development tokens are minted only in demo mode (DISPATCH_DEMO=true)");
  }
}
