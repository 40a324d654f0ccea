package energy.dispatch.edge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BackoffTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // attempt, random, expected ms
        Arguments.of(0, 0.0, 500),
        Arguments.of(1, 0.0, 1_000),
        Arguments.of(2, 0.0, 2_000),
        Arguments.of(2, 0.999, 2_499),
        Arguments.of(6, 0.0, 30_000),
        Arguments.of(40, 0.0, 30_000),
        Arguments.of(40, 0.5, 33_750));
  }

  @ParameterizedTest(name = "attempt {0}, jitter {1} -> {2} ms")
  @MethodSource("cases")
  void reconnect_delays_grow_exponentially_to_the_cap_with_up_to_a_quarter_of_jitter(
      int attempt, double random, long expectedMillis) {
    assertThat(Backoff.RECONNECT.delay(attempt, random)).isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @ParameterizedTest(name = "attempt {0}")
  @MethodSource("cases")
  void a_takeover_backs_off_at_least_a_minute(int attempt, double random, long ignored) {
    assertThat(Backoff.TAKEOVER.delay(attempt, random)).isGreaterThanOrEqualTo(Duration.ofMinutes(1));
  }
}
