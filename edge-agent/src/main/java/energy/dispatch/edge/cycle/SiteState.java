package energy.dispatch.edge.cycle;

import energy.dispatch.edge.control.BatteryLimits;
import energy.dispatch.edge.control.Controllers;
import energy.dispatch.edge.control.SiteLayout;
import energy.dispatch.edge.control.SiteReadings;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CapabilityConfig.Channel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the Core Cycle knows of the site between phases: the config in force, the controllers, the
 * holds and this cycle's inputs (updated by confirmed writes). Not thread-safe: owned by the cycle
 * thread.
 */
public final class SiteState {

  private CapabilityConfig config;
  private SiteLayout layout;
  private Controllers controllers;
  private final Holds holds;
  private final Map<String, Double> inputs = new HashMap<>();

  public SiteState(CapabilityConfig config, Controllers controllers, Holds holds) {
    this.holds = holds;
    replace(config, controllers);
  }

  /** A new config and the controllers built from it; applied between cycles only. */
  public void replace(CapabilityConfig config, Controllers controllers) {
    this.config = config;
    this.layout = SiteLayout.of(config);
    this.controllers = controllers;
  }

  public CapabilityConfig config() {
    return config;
  }

  public SiteLayout layout() {
    return layout;
  }

  public Controllers controllers() {
    return controllers;
  }

  public Holds holds() {
    return holds;
  }

  public Map<String, Double> inputs() {
    return inputs;
  }

  void newInputs(Map<String, Double> read) {
    inputs.clear();
    inputs.putAll(read);
  }

  public SiteReadings readings() {
    return SiteReadings.from(inputs, layout);
  }

  /** Whether a channel is the battery setpoint the safety limits and controllers act on. */
  public boolean isBatterySetpoint(String channelKey) {
    return layout.batterySetpointKey().filter(channelKey::equals).isPresent();
  }

  /** The battery's limits as of the latest inputs. */
  public BatteryLimits batteryLimits() {
    SiteReadings readings = readings();
    Optional<Channel> setpoint = batteryChannel(SiteLayout.SET_ACTIVE_POWER);
    return new BatteryLimits(
        setpoint.map(Channel::min).map(OptionalDouble::of).orElse(OptionalDouble.empty()),
        setpoint.map(Channel::max).map(OptionalDouble::of).orElse(OptionalDouble.empty()),
        readings.maxChargeWatts(), readings.maxDischargeWatts(), batteryChannel(SiteLayout.SOC).isPresent(),
        readings.socPercent(), controllers.minSocPercent());
  }

  private Optional<Channel> batteryChannel(String name) {
    return layout.batteryDeviceId().flatMap(config::device).flatMap(device -> device.channel(name));
  }

  public Optional<Channel> channel(String deviceId, String channel) {
    return config.device(deviceId).flatMap(device -> device.channel(channel));
  }
}
