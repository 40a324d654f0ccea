package energy.dispatch.edge.device.modbus;

import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Device;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's devices over Modbus TCP, driven by the capability config: no code per device. Devices
 * that share a host and port share one connection (a gateway with several unit ids). Values are read
 * from the channel's register kind (holding registers with function code 3, input registers with 4)
 * and written with the channel's function code (6 or 16), then read back.
 *
 * <p>A device that drops makes its requests fail at once with {@code device_unreachable} while its
 * connection is re-opened in the background; no call blocks longer than about the request timeout.
 *
 * <p>Thread-safe; requests to one endpoint are serialized.
 */
public final class ModbusDeviceGateway implements DeviceGateway {

  private static final Logger log = LoggerFactory.getLogger(ModbusDeviceGateway.class);

  /**
   * How the gateway talks to devices.
   *
   * @param requestTimeout how long a device may take to answer one request, its whole answer
   * @param connectTimeout how long opening a connection may take
   * @param minBackoff the first wait before re-opening a lost connection; it doubles on each failure
   * @param maxBackoff the longest wait between reconnect attempts
   */
  public record Settings(Duration requestTimeout, Duration connectTimeout, Duration minBackoff, Duration maxBackoff) {
    public Settings {
      if (!positive(requestTimeout) || !positive(connectTimeout)) {
        // a zero socket timeout would mean waiting for ever
        throw new IllegalArgumentException("timeouts must be above zero, got requestTimeout=" + requestTimeout
            + " connectTimeout=" + connectTimeout);
      }
      if (!positive(minBackoff) || maxBackoff.compareTo(minBackoff) < 0) {
        throw new IllegalArgumentException("back-off must be above zero with maxBackoff >= minBackoff, got "
            + minBackoff + " and " + maxBackoff);
      }
    }

    private static boolean positive(Duration duration) {
      return duration.toMillis() > 0;
    }

    /** 500 ms per request, 1 s to connect, reconnects after 100 ms doubling up to 5 s. */
    public static Settings defaults() {
      return new Settings(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(5));
    }
  }

  private final Map<String, ModbusDevice> devices = new LinkedHashMap<>();
  private final Map<String, List<ReadPlan.Block>> readPlans = new LinkedHashMap<>();
  private final Map<String, ModbusEndpoint> endpoints = new LinkedHashMap<>();
  private final Set<String> failingChannels = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService reconnects;
  private final ScheduledExecutorService deadlines;

  /** Connects to every device of the config with {@link Settings#defaults()}. */
  public ModbusDeviceGateway(CapabilityConfig config) {
    this(config, Settings.defaults());
  }

  /**
   * Connects to every device endpoint of the config, each bounded by the connect timeout; an
   * endpoint that cannot be reached now is retried in the background.
   */
  public ModbusDeviceGateway(CapabilityConfig config, Settings settings) {
    this.reconnects = Executors.newSingleThreadScheduledExecutor(daemon("modbus-reconnect-" + config.edgeId()));
    ScheduledThreadPoolExecutor deadlineTimer = new ScheduledThreadPoolExecutor(1,
        daemon("modbus-deadline-" + config.edgeId()));
    // one deadline per request, nearly all cancelled when the answer comes: drop them at once
    deadlineTimer.setRemoveOnCancelPolicy(true);
    this.deadlines = deadlineTimer;
    for (Device device : config.devices()) {
      ModbusEndpoint endpoint = endpoints.computeIfAbsent(device.host() + ":" + device.port(),
          address -> new ModbusEndpoint(device.host(), device.port(), settings, reconnects, deadlines));
      devices.put(device.deviceId(), new ModbusDevice(device, endpoint));
      readPlans.put(device.deviceId(), ReadPlan.of(device));
    }
    endpoints.values().forEach(endpoint -> endpoint.connectOrRetry(devicesAt(endpoint)));
  }

  @Override
  public Map<String, Double> readAll() {
    Map<String, Double> values = new LinkedHashMap<>();
    for (ModbusDevice device : devices.values()) {
      readDevice(device, values);
    }
    return values;
  }

  @Override
  public double read(String deviceId, String channelName) throws DeviceException {
    ModbusDevice device = device(deviceId);
    Channel channel = channel(device, channelName);
    if (!channel.readable()) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.UNKNOWN_CHANNEL, "channel " + deviceId + "/" + channelName
          + " is write-only and cannot be read"));
    }
    return device.read(channel);
  }

  @Override
  public double write(String deviceId, String channelName, double value) throws DeviceException {
    ModbusDevice device = device(deviceId);
    Channel channel = channel(device, channelName);
    if (!channel.writable()) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.CHANNEL_NOT_WRITABLE, "channel " + deviceId + "/"
          + channelName + " is read-only"));
    }
    checkLimits(deviceId, channel, value);
    return device.write(channel, value);
  }

  @Override
  public Optional<String> unreachableReason(String deviceId) {
    ModbusDevice device = devices.get(deviceId);
    return device == null ? Optional.of("no device " + deviceId + " in the capability config")
        : device.unreachableReason();
  }

  @Override
  public void close() {
    endpoints.values().forEach(ModbusEndpoint::close);
    reconnects.shutdownNow();
    deadlines.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private void readDevice(ModbusDevice device, Map<String, Double> values) {
    for (ReadPlan.Block block : readPlans.get(device.id())) {
      try {
        if (block.channels().size() == 1) {
          readOne(device, block.channels().get(0), values);
        } else {
          readBlock(device, block, values);
        }
      } catch (DeviceException e) {
        if (unreachable(e)) {
          return; // its endpoint logged the loss once; the other channels would only wait for the same
        }
        // the device refused the block: read its channels one by one to find the one it refuses
        for (Channel channel : block.channels()) {
          if (!readOne(device, channel, values)) {
            return;
          }
        }
      }
    }
  }

  /** Reads one channel into {@code values}; false when the device is unreachable. */
  private boolean readOne(ModbusDevice device, Channel channel, Map<String, Double> values) {
    try {
      put(device, channel, OptionalDouble.of(device.read(channel)), values);
      return true;
    } catch (DeviceException e) {
      if (!unreachable(e)) {
        leaveOut(device, channel, () -> e);
      }
      return !unreachable(e);
    }
  }

  private void readBlock(ModbusDevice device, ReadPlan.Block block, Map<String, Double> values)
      throws DeviceException {
    OptionalDouble[] read = device.read(block);
    for (int i = 0; i < read.length; i++) {
      put(device, block.channels().get(i), read[i], values);
    }
  }

  /** Puts a value read into {@code values}; a channel without one is left out as if it could not be read. */
  private void put(ModbusDevice device, Channel channel, OptionalDouble value, Map<String, Double> values) {
    if (value.isEmpty()) {
      leaveOut(device, channel, () -> device.notImplemented(channel));
      return;
    }
    String key = device.id() + "/" + channel.name();
    values.put(key, value.getAsDouble());
    failingChannels.remove(key);
  }

  /** Logs once per channel until it reads again; {@code reason} is built only then, not every cycle. */
  private void leaveOut(ModbusDevice device, Channel channel, Supplier<DeviceException> reason) {
    if (failingChannels.add(device.id() + "/" + channel.name())) {
      DeviceException why = reason.get();
      log.warn("deviceId={} channel={} cannot be read ({}: {}); it is left out of the cycle's inputs until it "
          + "reads again", device.id(), channel.name(), why.error().code(), why.getMessage());
    }
  }

  private static boolean unreachable(DeviceException e) {
    return ErrorCode.DEVICE_UNREACHABLE.wire().equals(e.error().code());
  }

  private static void checkLimits(String deviceId, Channel channel, double value) throws DeviceException {
    boolean belowMin = channel.min() != null && value < channel.min();
    boolean aboveMax = channel.max() != null && value > channel.max();
    if (belowMin || aboveMax || !Double.isFinite(value)) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.OUT_OF_RANGE, "value " + RegisterCodec.plain(value) + " "
          + channel.unit() + " is outside the limits of " + deviceId + "/" + channel.name() + " ("
          + limit(channel.min()) + ".." + limit(channel.max()) + " " + channel.unit() + ")"));
    }
  }

  private static String limit(Double bound) {
    return bound == null ? "" : RegisterCodec.plain(bound);
  }

  private ModbusDevice device(String deviceId) throws DeviceException {
    ModbusDevice device = devices.get(deviceId);
    if (device == null) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.UNKNOWN_DEVICE, "no device " + deviceId
          + " in the capability config; known: " + devices.keySet()));
    }
    return device;
  }

  private static Channel channel(ModbusDevice device, String channelName) throws DeviceException {
    return device.config().channel(channelName).orElseThrow(() -> new DeviceException(
        ErrorDetail.of(ErrorCode.UNKNOWN_CHANNEL, "device " + device.id() + " has no channel " + channelName)));
  }

  private String devicesAt(ModbusEndpoint endpoint) {
    return devices.values().stream().filter(device -> device.usesEndpoint(endpoint)).map(ModbusDevice::id)
        .collect(Collectors.joining(","));
  }
}
