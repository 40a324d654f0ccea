package energy.dispatch.edge.control;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the controllers need from one cycle's inputs, in watts and percent with the project's
 * signs (battery positive = charging, grid positive = import). A value the devices did not
 * deliver this cycle is empty. Immutable.
 */
public record SiteReadings(
    OptionalDouble gridPowerWatts,
    OptionalDouble batteryPowerWatts,
    OptionalDouble batterySetpointWatts,
    OptionalDouble socPercent,
    OptionalDouble maxChargeWatts,
    OptionalDouble maxDischargeWatts) {

  public static SiteReadings from(Map<String, Double> inputs, SiteLayout layout) {
    return new SiteReadings(
        read(inputs, layout.gridPowerKey()),
        read(inputs, layout.batteryKey(SiteLayout.ACTIVE_POWER)),
        read(inputs, layout.batterySetpointKey()),
        read(inputs, layout.batteryKey(SiteLayout.SOC)),
        read(inputs, layout.batteryKey(SiteLayout.MAX_CHARGE_POWER)),
        read(inputs, layout.batteryKey(SiteLayout.MAX_DISCHARGE_POWER)));
  }

  private static OptionalDouble read(Map<String, Double> inputs, Optional<String> key) {
    return key.map(inputs::get).map(OptionalDouble::of).orElse(OptionalDouble.empty());
  }

  /**
   * The site's demand without the battery (load minus PV), in W: the grid power the site would
   * draw if the battery stood still. Uses the measured battery power, else the last setpoint.
   */
  public OptionalDouble demandWatts() {
    if (gridPowerWatts.isEmpty()) {
      return OptionalDouble.empty();
    }
    OptionalDouble battery = batteryPowerWatts.isPresent() ? batteryPowerWatts : batterySetpointWatts;
    return OptionalDouble.of(gridPowerWatts.getAsDouble() - battery.orElse(0));
  }
}
