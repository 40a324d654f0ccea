package energy.dispatch.edge.device.modbus;

import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Device;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site's devices over Modbus TCP, driven by the capability config: no code per device. Devices
 * that share a host and port share one connection (a gateway with several unit ids). Values are read
 * from holding registers (function code 3) and written with the channel's function code (6 or 16),
 * then read back.
 *
 * <p>A device that drops makes its requests fail at once with {@code device_unreachable} while its
 * connection is re-opened in the background; no call blocks longer than about the request timeout.
 *
 * <p>Thread-safe; requests to one endpoint are serialized.
 */
public final class ModbusDeviceGateway implements DeviceGateway {

  private static final Logger log = LoggerFactory.getLogger(ModbusDeviceGateway.class);
  /** The most registers one read request may ask for. */
  private static final int MAX_READ_REGISTERS = 125;

  /**
   * How the gateway talks to devices.
   *
   * @param requestTimeout how long a device may take to answer one request
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

  private final Map<String, Device> devices = new LinkedHashMap<>();
  private final Map<String, List<ReadPlan.Block>> readPlans = new LinkedHashMap<>();
  private final Map<String, ModbusEndpoint> endpointsByDevice = new LinkedHashMap<>();
  private final Map<String, ModbusEndpoint> endpoints = new LinkedHashMap<>();
  private final Set<String> answeredLast = ConcurrentHashMap.newKeySet();
  private final Set<String> failingChannels = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService reconnects;

  /** Connects to every device of the config with {@link Settings#defaults()}. */
  public ModbusDeviceGateway(CapabilityConfig config) {
    this(config, Settings.defaults());
  }

  /**
   * Connects to every device endpoint of the config, each bounded by the connect timeout; an
   * endpoint that cannot be reached now is retried in the background.
   */
  public ModbusDeviceGateway(CapabilityConfig config, Settings settings) {
    this.reconnects = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "modbus-reconnect-" + config.edgeId());
      thread.setDaemon(true);
      return thread;
    });
    for (Device device : config.devices()) {
      devices.put(device.deviceId(), device);
      readPlans.put(device.deviceId(), ReadPlan.of(device));
      String address = device.host() + ":" + device.port();
      ModbusEndpoint endpoint = endpoints.computeIfAbsent(address,
          a -> new ModbusEndpoint(device.host(), device.port(), settings, reconnects));
      endpointsByDevice.put(device.deviceId(), endpoint);
    }
    endpoints.forEach((address, endpoint) -> endpoint.connectOrRetry(devicesAt(endpoint)));
    answeredLast.addAll(devices.keySet());
  }

  @Override
  public Map<String, Double> readAll() {
    Map<String, Double> values = new LinkedHashMap<>();
    for (Device device : devices.values()) {
      readDevice(device, values);
    }
    return values;
  }

  @Override
  public double read(String deviceId, String channelName) throws DeviceException {
    Device device = device(deviceId);
    Channel channel = channel(device, channelName);
    if (!channel.readable()) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.UNKNOWN_CHANNEL, "channel " + deviceId + "/" + channelName
          + " is write-only and cannot be read"));
    }
    return readChannel(device, channel).value();
  }

  @Override
  public double write(String deviceId, String channelName, double value) throws DeviceException {
    Device device = device(deviceId);
    Channel channel = channel(device, channelName);
    if (!channel.writable()) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.CHANNEL_NOT_WRITABLE, "channel " + deviceId + "/"
          + channelName + " is read-only"));
    }
    checkLimits(device, channel, value);
    RegisterCodec codec = RegisterCodec.of(channel);
    double scale = codec.scaleFromRegister() ? readScale(device, channel, codec) : codec.fixedScale();
    int[] words = codec.encode(value, scale);

    writeWords(device, channel, words);
    if (!channel.readable()) {
      return codec.decode(words, scale);
    }
    return confirm(device, channel, words, codec.decode(words, scale));
  }

  @Override
  public boolean reachable(String deviceId) {
    ModbusEndpoint endpoint = endpointsByDevice.get(deviceId);
    return endpoint != null && endpoint.connected() && answeredLast.contains(deviceId);
  }

  @Override
  public void close() {
    endpoints.values().forEach(ModbusEndpoint::close);
    reconnects.shutdownNow();
  }

  private void readDevice(Device device, Map<String, Double> values) {
    for (ReadPlan.Block block : readPlans.get(device.deviceId())) {
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
  private boolean readOne(Device device, Channel channel, Map<String, Double> values) {
    String key = device.deviceId() + "/" + channel.name();
    try {
      values.put(key, readChannel(device, channel).value());
      failingChannels.remove(key);
      return true;
    } catch (DeviceException e) {
      if (!unreachable(e) && failingChannels.add(key)) {
        log.warn("deviceId={} channel={} cannot be read ({}: {}); it is left out of the cycle's inputs until it "
            + "reads again", device.deviceId(), channel.name(), e.error().code(), e.getMessage());
      }
      return !unreachable(e);
    }
  }

  private void readBlock(Device device, ReadPlan.Block block, Map<String, Double> values) throws DeviceException {
    int[] words = readWords(device, block.first(), block.count());
    for (Channel channel : block.channels()) {
      RegisterCodec codec = RegisterCodec.of(channel);
      int offset = channel.register() - block.first();
      int[] channelWords = Arrays.copyOfRange(words, offset, offset + codec.width());
      String key = device.deviceId() + "/" + channel.name();
      values.put(key, codec.decode(channelWords, codec.fixedScale()));
      failingChannels.remove(key);
    }
  }

  private static boolean unreachable(DeviceException e) {
    return ErrorCode.DEVICE_UNREACHABLE.wire().equals(e.error().code());
  }

  /** A decoded value with the raw words it came from. */
  private record Reading(double value, int[] words) {}

  private Reading readChannel(Device device, Channel channel) throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(channel);
    Integer scaleRegister = channel.scaleRegister();
    if (scaleRegister == null) {
      int[] words = readWords(device, channel.register(), codec.width());
      return new Reading(codec.decode(words, codec.fixedScale()), words);
    }
    int first = Math.min(channel.register(), scaleRegister);
    int last = Math.max(channel.register() + codec.width() - 1, scaleRegister);
    if (last - first + 1 > MAX_READ_REGISTERS) {
      // too far apart for one request: the value and its scale factor come from two reads
      double scale = readScale(device, channel, codec);
      int[] words = readWords(device, channel.register(), codec.width());
      return new Reading(codec.decode(words, scale), words);
    }
    // value and scale factor in one read, so they belong together
    int[] block = readWords(device, first, last - first + 1);
    int offset = channel.register() - first;
    int[] words = Arrays.copyOfRange(block, offset, offset + codec.width());
    return new Reading(codec.decode(words, codec.scale(block[scaleRegister - first])), words);
  }

  private double readScale(Device device, Channel channel, RegisterCodec codec) throws DeviceException {
    return codec.scale(readWords(device, channel.scaleRegister(), 1)[0]);
  }

  private int[] readWords(Device device, int first, int count) throws DeviceException {
    ModbusRequest request = new ReadMultipleRegistersRequest(first, count);
    ModbusResponse response = exchange(device, request, "reading register " + first);
    ReadMultipleRegistersResponse read = (ReadMultipleRegistersResponse) response;
    if (read.getWordCount() != count) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.DEVICE_UNREACHABLE, "device " + device.deviceId()
          + " answered " + read.getWordCount() + " registers for a read of " + count + " at " + first));
    }
    int[] words = new int[count];
    for (int i = 0; i < count; i++) {
      words[i] = read.getRegisterValue(i);
    }
    return words;
  }

  private void writeWords(Device device, Channel channel, int[] words) throws DeviceException {
    ModbusRequest request;
    if (channel.functionCode() == 6) {
      request = new WriteSingleRegisterRequest(channel.register(), new SimpleRegister(words[0]));
    } else {
      Register[] registers = Arrays.stream(words).mapToObj(SimpleRegister::new).toArray(Register[]::new);
      request = new WriteMultipleRegistersRequest(channel.register(), registers);
    }
    exchange(device, request, "writing " + channel.name() + " at register " + channel.register());
  }

  private double confirm(Device device, Channel channel, int[] written, double writtenValue) throws DeviceException {
    Reading back = readChannel(device, channel);
    if (!Arrays.equals(back.words(), written)) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.READBACK_MISMATCH, "device " + device.deviceId() + " took "
          + channel.name() + " = " + RegisterCodec.plain(writtenValue) + " " + channel.unit() + " but reads back "
          + RegisterCodec.plain(back.value()) + " " + channel.unit() + "; the device may have clamped or refused it: "
          + "check its operating mode and limits"));
    }
    return back.value();
  }

  private ModbusResponse exchange(Device device, ModbusRequest request, String what) throws DeviceException {
    request.setUnitID(device.unitId());
    ModbusEndpoint endpoint = endpointsByDevice.get(device.deviceId());
    ModbusResponse response;
    try {
      response = endpoint.exchange(device.deviceId(), request);
    } catch (DeviceException e) {
      answeredLast.remove(device.deviceId());
      throw e;
    }
    answeredLast.add(device.deviceId());
    if (response instanceof ExceptionResponse exception) {
      throw modbusException(device, exception.getExceptionCode(), what);
    }
    return response;
  }

  private static DeviceException modbusException(Device device, int code, String what) {
    return new DeviceException(ErrorDetail.modbusException(code, "device " + device.deviceId() + " (unit "
        + device.unitId() + ") answered Modbus exception " + String.format("%02d", code) + " ("
        + ModbusExceptions.meaning(code) + ") " + what + "; " + ModbusExceptions.advice(code)));
  }

  private static void checkLimits(Device device, Channel channel, double value) throws DeviceException {
    boolean belowMin = channel.min() != null && value < channel.min();
    boolean aboveMax = channel.max() != null && value > channel.max();
    if (belowMin || aboveMax || !Double.isFinite(value)) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.OUT_OF_RANGE, "value " + RegisterCodec.plain(value) + " "
          + channel.unit() + " is outside the limits of " + device.deviceId() + "/" + channel.name() + " ("
          + limit(channel.min()) + ".." + limit(channel.max()) + " " + channel.unit() + ")"));
    }
  }

  private static String limit(Double bound) {
    return bound == null ? "" : RegisterCodec.plain(bound);
  }

  private Device device(String deviceId) throws DeviceException {
    Device device = devices.get(deviceId);
    if (device == null) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.UNKNOWN_DEVICE, "no device " + deviceId
          + " in the capability config; known: " + devices.keySet()));
    }
    return device;
  }

  private static Channel channel(Device device, String channelName) throws DeviceException {
    return device.channel(channelName).orElseThrow(() -> new DeviceException(ErrorDetail.of(ErrorCode.UNKNOWN_CHANNEL,
        "device " + device.deviceId() + " has no channel " + channelName)));
  }

  private String devicesAt(ModbusEndpoint endpoint) {
    return endpointsByDevice.entrySet().stream().filter(e -> e.getValue() == endpoint).map(Map.Entry::getKey)
        .collect(Collectors.joining(","));
  }
}
