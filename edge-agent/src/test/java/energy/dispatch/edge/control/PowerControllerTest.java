package energy.dispatch.edge.control;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.schema.Json;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The control laws on single readings: grid W (import +), battery W (charge +), expected battery W. */
class PowerControllerTest {

  private static final Parameters PEAK = new Parameters(Map.of(
      PeakShavingController.PEAK_LIMIT, Json.mapper().getNodeFactory().numberNode(50_000),
      PeakShavingController.RECHARGE_BELOW, Json.mapper().getNodeFactory().numberNode(30_000)));

  private static SiteReadings readings(double gridWatts, double batteryWatts) {
    return new SiteReadings(OptionalDouble.of(gridWatts), OptionalDouble.of(batteryWatts), OptionalDouble.empty(),
        OptionalDouble.of(50), OptionalDouble.empty(), OptionalDouble.empty());
  }

  static Stream<Arguments> peakShaving() {
    return Stream.of(
        Arguments.of(70_000, 0, -20_000),
        Arguments.of(50_000, -20_000, -20_000),
        Arguments.of(40_000, 0, 0),
        Arguments.of(45_000, -10_000, -5_000),
        Arguments.of(35_000, -10_000, 0),
        Arguments.of(10_000, 0, 20_000),
        Arguments.of(30_000, 20_000, 20_000),
        Arguments.of(-5_000, 0, 35_000));
  }

  @ParameterizedTest(name = "grid {0} W, battery {1} W -> {2} W")
  @MethodSource("peakShaving")
  void peak_shaving_discharges_above_the_limit_and_recharges_below_the_other(
      double grid, double battery, double expected) {
    assertThat(new PeakShavingController().batteryWatts(readings(grid, battery), PEAK).getAsDouble())
        .isEqualTo(expected);
  }

  static Stream<Arguments> balancing() {
    return Stream.of(
        Arguments.of(25_000, 0, -25_000),
        Arguments.of(0, -25_000, -25_000),
        Arguments.of(-10_000, 0, 10_000),
        Arguments.of(5_000, 5_000, 0));
  }

  @ParameterizedTest(name = "grid {0} W, battery {1} W -> {2} W")
  @MethodSource("balancing")
  void balancing_takes_the_whole_demand(double grid, double battery, double expected) {
    assertThat(new BalancingController().batteryWatts(readings(grid, battery), new Parameters(Map.of())).getAsDouble())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "without a grid reading nothing is proposed")
  @MethodSource("balancing")
  void no_grid_reading_no_opinion(double grid, double battery, double expected) {
    SiteReadings blind = new SiteReadings(OptionalDouble.empty(), OptionalDouble.of(battery), OptionalDouble.empty(),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    assertThat(new BalancingController().batteryWatts(blind, PEAK)).isEmpty();
    assertThat(new PeakShavingController().batteryWatts(blind, PEAK)).isEmpty();
  }
}
