package energy.dispatch.edge.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

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
        OptionalDouble.of(80_000), OptionalDouble.of(90_000), true, OptionalDouble.of(soc), OptionalDouble.of(10));

    Limited limited = limits.apply(requested);

    assertThat(limited.appliedWatts()).isEqualTo(applied);
    assertThat(limited.limitedBy()).isEqualTo(Optional.ofNullable(limitedBy));
  }

  @ParameterizedTest(name = "{0} W with its state of charge declared but not read -> 0 W")
  @ValueSource(doubles = {50_000, -50_000, 1, -1})
  void a_battery_whose_declared_state_of_charge_was_not_read_idles(double requested) {
    BatteryLimits limits = new BatteryLimits(OptionalDouble.of(-100_000), OptionalDouble.of(100_000),
        OptionalDouble.of(80_000), OptionalDouble.of(90_000), true, OptionalDouble.empty(), OptionalDouble.of(10));

    Limited limited = limits.apply(requested);

    assertThat(limited.appliedWatts()).isZero();
    assertThat(limited.limitedBy()).contains(BatteryLimits.SOC_UNKNOWN);
  }

  @ParameterizedTest(name = "{0} W on a battery without a Soc channel -> {1} W ({2})")
  @CsvSource(nullValues = "none", value = {"50000, 50000, none", "-50000, -50000, none",
      "-95000, -90000, max_discharge_power"})
  void a_battery_without_a_state_of_charge_channel_is_held_to_its_power_limits_only(double requested,
      double applied, String limitedBy) {
    BatteryLimits limits = new BatteryLimits(OptionalDouble.of(-100_000), OptionalDouble.of(100_000),
        OptionalDouble.of(80_000), OptionalDouble.of(90_000), false, OptionalDouble.empty(), OptionalDouble.of(10));

    Limited limited = limits.apply(requested);

    assertThat(limited.appliedWatts()).isEqualTo(applied);
    assertThat(limited.limitedBy()).isEqualTo(Optional.ofNullable(limitedBy));
  }
}
