package energy.dispatch.edge.control;

import java.util.OptionalDouble;

/**
 * Peak shaving: discharges so that grid import stays at {@code PeakLimit} (W) when the demand
 * exceeds it, recharges up to {@code RechargeBelow} (W) of import when the demand is below that,
 * and leaves the battery idle in between.
 */
public final class PeakShavingController implements PowerController {

  public static final String PEAK_LIMIT = "PeakLimit";
  public static final String RECHARGE_BELOW = "RechargeBelow";

  @Override
  public OptionalDouble batteryWatts(SiteReadings site, Parameters parameters) {
    OptionalDouble demand = site.demandWatts();
    OptionalDouble peakLimit = parameters.number(PEAK_LIMIT);
    if (demand.isEmpty() || peakLimit.isEmpty()) {
      return OptionalDouble.empty();
    }
    double demandWatts = demand.getAsDouble();
    double rechargeBelow = parameters.number(RECHARGE_BELOW).orElse(0);
    if (demandWatts > peakLimit.getAsDouble()) {
      return OptionalDouble.of(peakLimit.getAsDouble() - demandWatts);
    }
    if (demandWatts < rechargeBelow) {
      return OptionalDouble.of(rechargeBelow - demandWatts);
    }
    return OptionalDouble.of(0);
  }
}
