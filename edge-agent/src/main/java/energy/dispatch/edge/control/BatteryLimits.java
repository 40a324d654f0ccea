package energy.dispatch.edge.control;

import java.util.OptionalDouble;

/**
 * The battery's safety limits for one cycle, which win over every setpoint and controller: its
 * power limits (configured channel range and the maximum charge and discharge power it reports),
 * no charging when full, no discharging when empty or at the minimum state of charge, and no power
 * at all while a battery that declares its state of charge did not deliver it this cycle (full,
 * empty and MinSoc cannot be judged, so the battery idles rather than run blind). Watts are
 * positive when charging. Immutable.
 *
 * @param socDeclared whether the battery has a {@code Soc} channel; one without it is held to its
 *     power limits only
 * @param minSocPercent the guard's {@code MinSoc}, empty when the min_soc guard is not running
 */
public record BatteryLimits(
    OptionalDouble configMinWatts,
    OptionalDouble configMaxWatts,
    OptionalDouble maxChargeWatts,
    OptionalDouble maxDischargeWatts,
    boolean socDeclared,
    OptionalDouble socPercent,
    OptionalDouble minSocPercent) {

  public static final String SOC_FULL = "soc_full";
  public static final String SOC_EMPTY = "soc_empty";
  public static final String SOC_UNKNOWN = "soc_unknown";
  public static final String MIN_SOC = "min_soc";
  public static final String MAX_CHARGE_POWER = "max_charge_power";
  public static final String MAX_DISCHARGE_POWER = "max_discharge_power";

  /** Applies the limits to a requested battery power; the first limit that bites is named. */
  public Limited apply(double requestedWatts) {
    if (requestedWatts != 0 && socDeclared && socPercent.isEmpty()) {
      return limited(requestedWatts, 0, SOC_UNKNOWN);
    }
    return requestedWatts >= 0 ? limitCharge(requestedWatts) : limitDischarge(requestedWatts);
  }

  private Limited limitCharge(double requested) {
    if (requested > 0 && socPercent.isPresent() && socPercent.getAsDouble() >= 100.0) {
      return limited(requested, 0, SOC_FULL);
    }
    double max = min(configMaxWatts, maxChargeWatts);
    if (requested > max) {
      return limited(requested, max, MAX_CHARGE_POWER);
    }
    return new Limited(requested, requested, java.util.Optional.empty());
  }

  private Limited limitDischarge(double requested) {
    if (socPercent.isPresent() && socPercent.getAsDouble() <= 0.0) {
      return limited(requested, 0, SOC_EMPTY);
    }
    if (socPercent.isPresent() && minSocPercent.isPresent()
        && socPercent.getAsDouble() <= minSocPercent.getAsDouble()) {
      return limited(requested, 0, MIN_SOC);
    }
    double maxDischarge = min(configMinWatts.isPresent() ? OptionalDouble.of(-configMinWatts.getAsDouble())
        : OptionalDouble.empty(), maxDischargeWatts);
    if (-requested > maxDischarge) {
      return limited(requested, -maxDischarge, MAX_DISCHARGE_POWER);
    }
    return new Limited(requested, requested, java.util.Optional.empty());
  }

  private static double min(OptionalDouble a, OptionalDouble b) {
    return Math.min(a.orElse(Double.POSITIVE_INFINITY), b.orElse(Double.POSITIVE_INFINITY));
  }

  private static Limited limited(double requested, double applied, String limit) {
    return new Limited(requested, applied, java.util.Optional.of(limit));
  }
}
