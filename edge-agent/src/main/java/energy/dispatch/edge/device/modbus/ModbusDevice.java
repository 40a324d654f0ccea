package energy.dispatch.edge.device.modbus;

import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadInputRegistersResponse;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.ReadMultipleRegistersResponse;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Device;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One configured device (a unit id on an endpoint): reads and writes its channels' registers and
 * turns Modbus exceptions into {@code modbus_exception:NN}. A channel is read from the register
 * kind it declares: holding registers with function code 3, input registers with 4; its
 * scale-factor register is of the same kind. Thread-safe as its endpoint is.
 */
final class ModbusDevice {

  private final Device config;
  private final ModbusEndpoint endpoint;
  /** Why its last request got no answer; null when it got one. */
  private volatile String lastFailure;

  ModbusDevice(Device config, ModbusEndpoint endpoint) {
    this.config = config;
    this.endpoint = endpoint;
  }

  Device config() {
    return config;
  }

  String id() {
    return config.deviceId();
  }

  boolean usesEndpoint(ModbusEndpoint candidate) {
    return endpoint == candidate;
  }

  /** Empty when its endpoint is connected and it answered its last request (a Modbus exception is an answer). */
  Optional<String> unreachableReason() {
    String failure = lastFailure;
    if (failure != null) {
      return Optional.of(failure);
    }
    return endpoint.connected() ? Optional.empty()
        : Optional.of("device " + id() + " at " + endpoint.address() + " is not connected");
  }

  /**
   * @throws DeviceException {@code value_not_implemented} when the register holds SunSpec's
   *     not-implemented marker and the channel declares it
   */
  double read(Channel channel) throws DeviceException {
    OptionalDouble value = readChannel(channel).value();
    if (value.isEmpty()) {
      throw notImplemented(channel);
    }
    return value.getAsDouble();
  }

  /**
   * Reads a block of plain channels in one request; the values in the order of the block's
   * channels, empty where a channel holds SunSpec's not-implemented marker.
   */
  OptionalDouble[] read(ReadPlan.Block block) throws DeviceException {
    int[] words = readWords(block.channels().get(0), block.first(), block.count());
    OptionalDouble[] values = new OptionalDouble[block.channels().size()];
    for (int i = 0; i < values.length; i++) {
      Channel channel = block.channels().get(i);
      RegisterCodec codec = RegisterCodec.of(channel);
      int offset = channel.register() - block.first();
      values[i] = codec.decode(Arrays.copyOfRange(words, offset, offset + codec.width()), codec.fixedScale());
    }
    return values;
  }

  /**
   * Encodes, writes with the channel's function code and, where the channel is readable, reads back.
   *
   * @return the value the device holds afterwards
   */
  double write(Channel channel, double value) throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(channel);
    double scale = codec.scaleFromRegister() ? readScale(channel, codec) : codec.fixedScale();
    int[] words = codec.encode(value, scale);

    // encode never yields the not-implemented marker, so what is written is a value
    double written = codec.decode(words, scale).orElseThrow();
    writeWords(channel, words);
    if (!channel.readable()) {
      return written;
    }
    return confirm(channel, words, written);
  }

  /** DeviceException {@code value_not_implemented}: the device says it lacks the point. */
  DeviceException notImplemented(Channel channel) {
    return new DeviceException(ErrorDetail.of(ErrorCode.VALUE_NOT_IMPLEMENTED, "device " + id() + " holds SunSpec's "
        + "not-implemented marker in " + channel.name() + " at register " + channel.register()
        + ", so it has no value; the device lacks this point or cannot measure it now"));
  }

  /** A decoded value, empty for SunSpec's not-implemented marker, with the raw words it came from. */
  private record Reading(OptionalDouble value, int[] words) {}

  private Reading readChannel(Channel channel) throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(channel);
    Integer scaleRegister = channel.scaleRegister();
    if (scaleRegister == null) {
      int[] words = readWords(channel, channel.register(), codec.width());
      return new Reading(codec.decode(words, codec.fixedScale()), words);
    }
    int first = Math.min(channel.register(), scaleRegister);
    int last = Math.max(channel.register() + codec.width() - 1, scaleRegister);
    if (last - first + 1 > ReadPlan.MAX_READ_REGISTERS) {
      // too far apart for one request: the value and its scale factor come from two reads
      int[] words = readWords(channel, channel.register(), codec.width());
      return new Reading(codec.notImplemented(words) ? OptionalDouble.empty()
          : codec.decode(words, readScale(channel, codec)), words);
    }
    // value and scale factor in one read, so they belong together
    int[] block = readWords(channel, first, last - first + 1);
    int offset = channel.register() - first;
    int[] words = Arrays.copyOfRange(block, offset, offset + codec.width());
    // a point the device lacks may come with a lacking scale factor: no value, not a config error
    return new Reading(codec.notImplemented(words) ? OptionalDouble.empty()
        : codec.decode(words, codec.scale(block[scaleRegister - first])), words);
  }

  private double readScale(Channel channel, RegisterCodec codec) throws DeviceException {
    return codec.scale(readWords(channel, channel.scaleRegister(), 1)[0]);
  }

  /** Reads {@code count} registers from {@code first} in the register kind of {@code channel}. */
  private int[] readWords(Channel channel, int first, int count) throws DeviceException {
    int[] words;
    if (channel.inInputRegister()) {
      ReadInputRegistersResponse read = (ReadInputRegistersResponse) exchange(
          new ReadInputRegistersRequest(first, count), "reading input register " + first);
      words = new int[read.getWordCount()];
      Arrays.setAll(words, read::getRegisterValue);
    } else {
      ReadMultipleRegistersResponse read = (ReadMultipleRegistersResponse) exchange(
          new ReadMultipleRegistersRequest(first, count), "reading holding register " + first);
      words = new int[read.getWordCount()];
      Arrays.setAll(words, read::getRegisterValue);
    }
    if (words.length != count) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.DEVICE_UNREACHABLE, "device " + id() + " answered "
          + words.length + " registers for a read of " + count + " at " + first));
    }
    return words;
  }

  private void writeWords(Channel channel, int[] words) throws DeviceException {
    ModbusRequest request;
    if (channel.functionCode() == 6) {
      request = new WriteSingleRegisterRequest(channel.register(), new SimpleRegister(words[0]));
    } else {
      Register[] registers = Arrays.stream(words).mapToObj(SimpleRegister::new).toArray(Register[]::new);
      request = new WriteMultipleRegistersRequest(channel.register(), registers);
    }
    exchange(request, "writing " + channel.name() + " at register " + channel.register());
  }

  private double confirm(Channel channel, int[] written, double writtenValue) throws DeviceException {
    Reading back = readChannel(channel);
    if (!Arrays.equals(back.words(), written)) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.READBACK_MISMATCH, "device " + id() + " took "
          + channel.name() + " = " + RegisterCodec.plain(writtenValue) + " " + channel.unit() + " but reads back "
          + readBack(back, channel) + "; the device may have clamped or refused it: "
          + "check its operating mode and limits"));
    }
    return back.value().orElseThrow();
  }

  private static String readBack(Reading back, Channel channel) {
    return back.value().isPresent() ? RegisterCodec.plain(back.value().getAsDouble()) + " " + channel.unit()
        : "SunSpec's not-implemented marker";
  }

  private ModbusResponse exchange(ModbusRequest request, String what) throws DeviceException {
    request.setUnitID(config.unitId());
    ModbusResponse response;
    try {
      response = endpoint.exchange(id(), request);
    } catch (DeviceException e) {
      lastFailure = e.getMessage();
      throw e;
    }
    lastFailure = null;
    if (response instanceof ExceptionResponse exception) {
      throw modbusException(exception.getExceptionCode(), what);
    }
    return response;
  }

  private DeviceException modbusException(int code, String what) {
    return new DeviceException(ErrorDetail.modbusException(code, "device " + id() + " (unit " + config.unitId()
        + ") answered Modbus exception " + String.format("%02d", code) + " (" + ModbusExceptions.meaning(code) + ") "
        + what + "; " + ModbusExceptions.advice(code)));
  }
}
