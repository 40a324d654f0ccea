package energy.dispatch.simulator;

import java.time.Duration;

/**
 * The physics of one energy site: a battery, PV production, a load and the grid connection point,
 * in engineering units. It has no threads and no clock of its own: whoever owns it moves time with
 * {@link #advance(Duration)}, so a test can leap hours in one call.
 *
 * <p>Sign convention, as everywhere in this project: battery power positive = charging, PV power
 * positive = production, load positive = consumption, grid power positive = import. Hence
 * {@code grid = load - pv + battery}.
 *
 * <p>Thread-safe: every method is synchronized, so the simulator's tick thread, its Modbus
 * connections and a test can share one model.
 */
public final class SiteModel {

  private static final double SECONDS_PER_HOUR = 3600.0;

  private final double capacityWh;
  private final double maxChargeWatts;
  private final double maxDischargeWatts;

  private double socPercent;
  private double socReservePercent;
  private double setpointWatts;
  private double reactiveSetpointVar;
  private double loadWatts;
  private double pvAvailableWatts;
  private double pvRatedWatts = 100_000;
  private double pvLimitPercent = 100;

  /**
   * A site with an idle battery, no load and no PV.
   *
   * @param capacityWh usable battery energy, above zero
   * @param maxChargeWatts the battery's charge limit, zero or above
   * @param maxDischargeWatts the battery's discharge limit, as a positive number
   * @param socPercent initial state of charge, 0..100
   */
  public SiteModel(double capacityWh, double maxChargeWatts, double maxDischargeWatts, double socPercent) {
    if (capacityWh <= 0 || maxChargeWatts < 0 || maxDischargeWatts < 0) {
      throw new IllegalArgumentException("capacity must be above 0 Wh and power limits 0 W or above, got capacityWh="
          + capacityWh + " maxChargeWatts=" + maxChargeWatts + " maxDischargeWatts=" + maxDischargeWatts);
    }
    this.capacityWh = capacityWh;
    this.maxChargeWatts = maxChargeWatts;
    this.maxDischargeWatts = maxDischargeWatts;
    this.socPercent = percent("socPercent", socPercent);
  }

  /**
   * The demo site: a 200 kWh battery at 50 % that charges and discharges at up to 100 kW, a 40 kW
   * load and 15 kW of PV (100 kW rated), so the grid imports 25 kW while the battery idles.
   */
  public static SiteModel demo() {
    SiteModel site = new SiteModel(200_000, 100_000, 100_000, 50);
    site.setLoadWatts(40_000);
    site.setPvWatts(15_000);
    return site;
  }

  /**
   * Moves time forward: the battery charges or discharges at {@link #batteryPowerWatts()} for the
   * whole step, and stops at 100 % or at the reserve.
   */
  public synchronized void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time only moves forward, got a step of " + step);
    }
    double powerWatts = batteryPowerWatts();
    double hours = step.toNanos() / 1e9 / SECONDS_PER_HOUR;
    double next = socPercent + powerWatts * hours / capacityWh * 100.0;
    if (powerWatts > 0) {
      socPercent = Math.min(next, 100.0);
    } else if (powerWatts < 0) {
      socPercent = Math.max(next, Math.min(socReservePercent, socPercent));
    }
  }

  /**
   * The power the battery really runs at: the setpoint limited by the power limits, zero when
   * asked to charge at 100 % or to discharge at or below the reserve.
   */
  public synchronized double batteryPowerWatts() {
    double limited = Math.max(-maxDischargeWatts, Math.min(maxChargeWatts, setpointWatts));
    if (limited > 0 && socPercent >= 100.0) {
      return 0;
    }
    if (limited < 0 && socPercent <= socReservePercent) {
      return 0;
    }
    return limited;
  }

  /** Grid power at the connection point, positive = import. */
  public synchronized double gridPowerWatts() {
    return loadWatts - pvWatts() + batteryPowerWatts();
  }

  /** PV production after curtailment: the available power, capped at the limit's share of rated power. */
  public synchronized double pvWatts() {
    return Math.min(pvAvailableWatts, pvRatedWatts * pvLimitPercent / 100.0);
  }

  /** The requested battery power, positive = charge; the battery holds it as written. */
  public synchronized double setpointWatts() {
    return setpointWatts;
  }

  public synchronized void setSetpointWatts(double setpointWatts) {
    this.setpointWatts = setpointWatts;
  }

  public synchronized double socPercent() {
    return socPercent;
  }

  public synchronized void setSocPercent(double socPercent) {
    this.socPercent = percent("socPercent", socPercent);
  }

  /** The state of charge below which the battery refuses to discharge (a BMS reserve), 0 by default. */
  public synchronized double socReservePercent() {
    return socReservePercent;
  }

  public synchronized void setSocReservePercent(double socReservePercent) {
    this.socReservePercent = percent("socReservePercent", socReservePercent);
  }

  /** Requested reactive power; stored for the register map, it does not change active power. */
  public synchronized double reactiveSetpointVar() {
    return reactiveSetpointVar;
  }

  public synchronized void setReactiveSetpointVar(double reactiveSetpointVar) {
    this.reactiveSetpointVar = reactiveSetpointVar;
  }

  public synchronized double loadWatts() {
    return loadWatts;
  }

  public synchronized void setLoadWatts(double loadWatts) {
    this.loadWatts = loadWatts;
  }

  /** What the PV could produce now, before curtailment. */
  public synchronized double pvAvailableWatts() {
    return pvAvailableWatts;
  }

  /** Sets what the PV could produce now; {@link #pvWatts()} is this, curtailed by the limit. */
  public synchronized void setPvWatts(double pvAvailableWatts) {
    if (pvAvailableWatts < 0) {
      throw new IllegalArgumentException("PV production is 0 W or above, got " + pvAvailableWatts);
    }
    this.pvAvailableWatts = pvAvailableWatts;
  }

  public synchronized double pvRatedWatts() {
    return pvRatedWatts;
  }

  public synchronized void setPvRatedWatts(double pvRatedWatts) {
    this.pvRatedWatts = pvRatedWatts;
  }

  /** The PV curtailment limit in percent of rated power (100 = no curtailment). */
  public synchronized double pvLimitPercent() {
    return pvLimitPercent;
  }

  public synchronized void setPvLimitPercent(double pvLimitPercent) {
    this.pvLimitPercent = percent("pvLimitPercent", pvLimitPercent);
  }

  public double capacityWh() {
    return capacityWh;
  }

  public double maxChargeWatts() {
    return maxChargeWatts;
  }

  /** The discharge limit as a positive number. */
  public double maxDischargeWatts() {
    return maxDischargeWatts;
  }

  private static double percent(String name, double value) {
    if (!(value >= 0 && value <= 100)) {
      throw new IllegalArgumentException(name + " must lie in 0..100, got " + value);
    }
    return value;
  }

  @Override
  public synchronized String toString() {
    return String.format("SiteModel[soc=%.1f%% setpoint=%.0fW battery=%.0fW pv=%.0fW load=%.0fW grid=%.0fW]",
        socPercent, setpointWatts, batteryPowerWatts(), pvWatts(), loadWatts, gridPowerWatts());
  }
}
