package energy.dispatch.edge.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BatteryLimitsTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // requested W, soc %, applied W, limited by
        Arguments.of(50_000, 50, 50_000, null),
        Arguments.of(-50_000, 50, -50_000, null),
        Arguments.of(150_000, 50, 80_000, BatteryLimits.MAX_CHARGE_POWER),
        Arguments.of(90_000, 50, 80_000, BatteryLimits.MAX_CHARGE_POWER),
        Arguments.of(-95_000, 50, -90_000, BatteryLimits.MAX_DISCHARGE_POWER),
        Arguments.of(10_000, 100, 0, BatteryLimits.SOC_FULL),
        Arguments.of(-10_000, 100, -10_000, null),
        Arguments.of(-10_000, 10, 0, BatteryLimits.MIN_SOC),
        Arguments.of(-10_000, 10.1, -10_000, null),
        Arguments.of(10_000, 5, 10_000, null),
        Arguments.of(-10_000, 0, 0, BatteryLimits.SOC_EMPTY),
        Arguments.of(0, 0, 0, null));
  }

  @ParameterizedTest(name = "{0} W at {1} % -> {2} W ({3})")
  @MethodSource("cases")
  void safety_limits_win(double requested, double soc, double applied, String limitedBy) {
    BatteryLimits limits = new BatteryLimits(OptionalDouble.of(-100_000), OptionalDouble.of(100_000),
        OptionalDouble.of(80_000), OptionalDouble.of(90_000), OptionalDouble.of(soc), OptionalDouble.of(10));

    Limited limited = limits.apply(requested);

    assertThat(limited.appliedWatts()).isEqualTo(applied);
    assertThat(limited.limitedBy()).isEqualTo(Optional.ofNullable(limitedBy));
  }
}
