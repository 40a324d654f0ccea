package energy.dispatch.edge.testing;

import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.simulator.SiteModel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * The demo site's channels (config/sites/site1_edge_prod.json) served straight from a
 * {@link SiteModel}, without Modbus: the device side of cycle-replay tests. Faults can be injected:
 * an unreachable battery, a failing write, a "crash" right after a write reached the device.
 */
public final class SiteModelGateway implements DeviceGateway {

  public static final String BATTERY = "bms_main";
  public static final String SETPOINT = "SetActivePower";

  private final SiteModel model;
  private final AtomicInteger setpointWrites = new AtomicInteger();
  private volatile boolean batteryUnreachable;
  private volatile boolean socUnreadable;
  private volatile ErrorDetail failNextWrite;
  private volatile boolean crashAfterNextWrite;
  private volatile Runnable beforeRead = () -> {};
  private volatile RuntimeException throwOnNextWrite;
  private volatile double setpointStepWatts;

  public SiteModelGateway(SiteModel model) {
    this.model = model;
  }

  public SiteModel model() {
    return model;
  }

  /** How many times the battery setpoint was written. */
  public int setpointWrites() {
    return setpointWrites.get();
  }

  public void batteryUnreachable(boolean unreachable) {
    this.batteryUnreachable = unreachable;
  }

  /** The battery answers, but not for its state of charge (as a SunSpec "not implemented" point). */
  public void socUnreadable(boolean unreadable) {
    this.socUnreadable = unreadable;
  }

  public void failNextWrite(ErrorDetail error) {
    this.failNextWrite = error;
  }

  /** The next write throws this, as a defective adapter would; whether it reached the device is unknown. */
  /** Makes the setpoint register hold only multiples of {@code stepWatts}, as a real register's resolution does. */
  public void roundSetpointTo(double stepWatts) {
    this.setpointStepWatts = stepWatts;
  }

  public void throwOnNextWrite(RuntimeException failure) {
    this.throwOnNextWrite = failure;
  }

  /** The next write reaches the device, then the agent "dies" before it learns the result. */
  public void crashAfterNextWrite() {
    this.crashAfterNextWrite = true;
  }

  /** Runs before every {@link #readAll}, e.g. to let a fake clock pass as a slow device would. */
  public void beforeRead(Runnable action) {
    this.beforeRead = action;
  }

  private Map<String, DoubleSupplier> channels() {
    Map<String, DoubleSupplier> channels = new HashMap<>();
    if (!batteryUnreachable) {
      channels.put("bms_main/SetActivePower", model::setpointWatts);
      channels.put("bms_main/ActivePower", model::batteryPowerWatts);
      if (!socUnreadable) {
        channels.put("bms_main/Soc", () -> Math.round(model.socPercent() * 10) / 10.0);
      }
      channels.put("bms_main/CapacityWh", model::capacityWh);
      channels.put("bms_main/MaxChargePower", model::maxChargeWatts);
      channels.put("bms_main/MaxDischargePower", model::maxDischargeWatts);
    }
    channels.put("grid_meter/ActivePower", model::gridPowerWatts);
    channels.put("pv_inverter/ActivePower", model::pvWatts);
    channels.put("site_load/ActivePower", model::loadWatts);
    return channels;
  }

  @Override
  public Map<String, Double> readAll() {
    beforeRead.run();
    Map<String, Double> values = new HashMap<>();
    channels().forEach((key, supplier) -> values.put(key, supplier.getAsDouble()));
    return values;
  }

  @Override
  public double read(String deviceId, String channel) throws DeviceException {
    DoubleSupplier supplier = channels().get(deviceId + "/" + channel);
    if (supplier == null) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.DEVICE_UNREACHABLE, deviceId + " does not answer"));
    }
    return supplier.getAsDouble();
  }

  @Override
  public double write(String deviceId, String channel, double value) throws DeviceException {
    if (!(BATTERY.equals(deviceId) && SETPOINT.equals(channel))) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.CHANNEL_NOT_WRITABLE, deviceId + "/" + channel));
    }
    if (batteryUnreachable) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.DEVICE_UNREACHABLE, "bms_main does not answer"));
    }
    RuntimeException defect = throwOnNextWrite;
    if (defect != null) {
      throwOnNextWrite = null;
      throw defect;
    }
    ErrorDetail failure = failNextWrite;
    if (failure != null) {
      failNextWrite = null;
      throw new DeviceException(failure);
    }
    double step = setpointStepWatts;
    model.setSetpointWatts(step > 0 ? Math.round(value / step) * step : value);
    setpointWrites.incrementAndGet();
    if (crashAfterNextWrite) {
      crashAfterNextWrite = false;
      throw new SimulatedCrash();
    }
    return model.setpointWatts();
  }

  @Override
  public Optional<String> unreachableReason(String deviceId) {
    return BATTERY.equals(deviceId) && batteryUnreachable ? Optional.of(BATTERY + " does not answer") : Optional.empty();
  }

  @Override
  public void close() {}

  /** Stands for the process dying between the device write and the journal's result. */
  public static final class SimulatedCrash extends Error {
    public SimulatedCrash() {
      super("simulated crash after the device write");
    }
  }
}
