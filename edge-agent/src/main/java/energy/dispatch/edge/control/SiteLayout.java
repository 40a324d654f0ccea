package energy.dispatch.edge.control;

import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CapabilityConfig.Device;
import java.util.Optional;

/**
 * Where the controllers find the site's battery and grid meter in a capability config: the first
 * device of kind {@code battery} and the first of kind {@code meter}, by the channel names below.
 * Immutable.
 *
 * <p>Channels, all in the project's sign convention: battery {@code SetActivePower} (W, positive
 * = charging; the one channel controllers write), {@code ActivePower} (W, measured), {@code Soc}
 * (%), {@code MaxChargePower} and {@code MaxDischargePower} (W, both positive); meter
 * {@code ActivePower} (W, positive = import).
 */
public record SiteLayout(Optional<String> batteryDeviceId, Optional<String> meterDeviceId) {

  public static final String SET_ACTIVE_POWER = "SetActivePower";
  public static final String ACTIVE_POWER = "ActivePower";
  public static final String SOC = "Soc";
  public static final String MAX_CHARGE_POWER = "MaxChargePower";
  public static final String MAX_DISCHARGE_POWER = "MaxDischargePower";

  public static SiteLayout of(CapabilityConfig config) {
    return new SiteLayout(firstOfKind(config, "battery"), firstOfKind(config, "meter"));
  }

  private static Optional<String> firstOfKind(CapabilityConfig config, String kind) {
    return config.devices().stream().filter(d -> kind.equals(d.kind())).map(Device::deviceId).findFirst();
  }

  /** The channel the controllers drive, {@code battery/SetActivePower}, when the site has a battery. */
  public Optional<String> batterySetpointKey() {
    return batteryDeviceId.map(id -> id + "/" + SET_ACTIVE_POWER);
  }

  public Optional<String> batteryKey(String channel) {
    return batteryDeviceId.map(id -> id + "/" + channel);
  }

  public Optional<String> gridPowerKey() {
    return meterDeviceId.map(id -> id + "/" + ACTIVE_POWER);
  }
}
