package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One edge's devices, channels, limits and controllers (capability-config.schema.json). Parsed
 * once, immutable. Power channels follow the project convention: battery positive = charging,
 * grid positive = import, PV positive = production; a device counting the other way declares
 * {@code sign: -1} and the Modbus adapter converts.
 */
public record CapabilityConfig(
    String edgeId, int version, Integer cyclePeriodMs, List<Device> devices, List<Controller> controllers) {

  public CapabilityConfig {
    devices = List.copyOf(devices);
    controllers = controllers == null ? List.of() : List.copyOf(controllers);
    cyclePeriodMs = cyclePeriodMs == null ? 1000 : cyclePeriodMs;
  }

  /** A Modbus TCP device of the site. */
  public record Device(String deviceId, String kind, String host, int port, int unitId, List<Channel> channels) {
    public Device {
      channels = List.copyOf(channels);
    }

    public Optional<Channel> channel(String name) {
      return channels.stream().filter(c -> c.name().equals(name)).findFirst();
    }
  }

  /**
   * One value of a device in registers. {@code value = raw * scale * sign} on reading, and the
   * inverse on writing; {@code scaleRegister}, when set, holds a SunSpec-style power-of-ten
   * exponent that replaces {@code scale}. {@code registerKind} is {@code holding} (function code
   * 3) or {@code input} (function code 4, read-only); the scale-factor register is of the same kind.
   * With {@code sunspecNotImplemented}, SunSpec's not-implemented marker of the type (the lowest
   * int16 or int32, the highest uint16 or uint32, a float32 NaN) reads as no value and is never
   * written, so the register's writable range is one step narrower at that end.
   */
  public record Channel(
      String name,
      int register,
      String type,
      String wordOrder,
      Double scale,
      Integer scaleRegister,
      Integer sign,
      String unit,
      String access,
      Double min,
      Double max,
      Integer functionCode,
      String registerKind,
      Boolean sunspecNotImplemented) {

    public static final String HOLDING = "holding";
    public static final String INPUT = "input";

    public Channel {
      wordOrder = wordOrder == null ? "big" : wordOrder;
      scale = scale == null ? 1.0 : scale;
      sign = sign == null ? 1 : sign;
      functionCode = functionCode == null ? 16 : functionCode;
      registerKind = registerKind == null ? HOLDING : registerKind;
      sunspecNotImplemented = sunspecNotImplemented != null && sunspecNotImplemented;
    }

    /** Whether the value is in an input register (function code 4) rather than a holding register. */
    @JsonIgnore
    public boolean inInputRegister() {
      return INPUT.equals(registerKind);
    }

    @JsonIgnore
    public boolean writable() {
      return access.equals("write") || access.equals("read_write");
    }

    @JsonIgnore
    public boolean readable() {
      return access.equals("read") || access.equals("read_write");
    }

    /** Registers the value occupies: 1 for 16-bit types, 2 for 32-bit ones. */
    @JsonIgnore
    public int width() {
      return type.endsWith("16") ? 1 : 2;
    }
  }

  /** A controller of the Core Cycle, with the modes it declares and its tunable parameters. */
  public record Controller(
      String name, String kind, Boolean enabled, List<String> modes, String mode, Map<String, Parameter> parameters) {
    public Controller {
      enabled = enabled == null || enabled;
      modes = modes == null ? List.of() : List.copyOf(modes);
      parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
  }

  /** A controller parameter's configured value and the range an override may take. */
  public record Parameter(JsonNode value, String unit, Double min, Double max) {}

  public Optional<Device> device(String deviceId) {
    return devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst();
  }

  public Optional<Controller> controller(String name) {
    return controllers.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * Parses and checks a config document, reporting every problem at once.
   *
   * @throws InvalidConfigException naming each problem
   */
  public static CapabilityConfig parse(JsonNode document) {
    List<String> problems = new ArrayList<>(
        SchemaValidator.instance().violations(SchemaValidator.Schema.CAPABILITY_CONFIG, document));
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    CapabilityConfig config = Json.mapper().convertValue(document, CapabilityConfig.class);
    problems.addAll(config.consistencyProblems());
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return config;
  }

  private List<String> consistencyProblems() {
    List<String> problems = new ArrayList<>();
    Set<String> deviceIds = new HashSet<>();
    for (Device device : devices) {
      if (!deviceIds.add(device.deviceId())) {
        problems.add("device '" + device.deviceId() + "' is declared twice");
      }
      Set<String> names = new HashSet<>();
      for (Channel channel : device.channels()) {
        String where = device.deviceId() + "/" + channel.name();
        if (!names.add(channel.name())) {
          problems.add("channel '" + where + "' is declared twice");
        }
        if (channel.min() != null && channel.max() != null && channel.min() > channel.max()) {
          problems.add("channel '" + where + "' has min " + channel.min() + " above max " + channel.max());
        }
        if (channel.register() + channel.width() - 1 > 65535) {
          problems.add("channel '" + where + "' runs past register 65535");
        }
        if (channel.functionCode() == 6 && channel.width() == 2) {
          problems.add("channel '" + where + "' is 32-bit but function code 6 writes one register; use 16");
        }
        if (channel.inInputRegister() && channel.writable()) {
          problems.add("channel '" + where + "' is in an input register, which Modbus cannot write; declare access "
              + "read or move it to register_kind holding");
        }
        problems.addAll(boundsOutsideRegister(where, channel));
      }
    }
    Set<String> controllerNames = new HashSet<>();
    for (Controller controller : controllers) {
      if (!controllerNames.add(controller.name())) {
        problems.add("controller '" + controller.name() + "' is declared twice");
      }
      if (controller.mode() != null && !controller.modes().isEmpty() && !controller.modes().contains(controller.mode())) {
        problems.add("controller '" + controller.name() + "' starts in mode '" + controller.mode()
            + "' which it does not declare " + controller.modes());
      }
    }
    return problems;
  }

  /**
   * A writable channel's min and max must be writable: a bound whose raw value ({@code value /
   * (scale * sign)}) does not fit the register would let the cloud accept a command every edge then
   * refuses. Channels scaled by a register are checked at the edge, where the scale is read.
   */
  private static List<String> boundsOutsideRegister(String where, Channel channel) {
    double[] raw = rawRange(channel);
    if (!channel.writable() || channel.scaleRegister() != null || raw == null) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    for (Double bound : new Double[] {channel.min(), channel.max()}) {
      if (bound == null) {
        continue;
      }
      double rawValue = bound / (channel.scale() * channel.sign());
      if (rawValue < raw[0] || rawValue > raw[1]) {
        problems.add("channel '" + where + "' allows " + bound + " " + (channel.unit() == null ? "" : channel.unit())
            + ", which is " + rawValue + " in its " + channel.type() + " register (" + (long) raw[0] + " .. "
            + (long) raw[1] + ") at scale " + channel.scale() + "; narrow min/max or change scale or type");
      }
    }
    return problems;
  }

  /**
   * The raw range of an integer register type, without SunSpec's not-implemented marker where the
   * channel declares it; null for float32, whose range no power value reaches.
   */
  private static double[] rawRange(Channel channel) {
    int marker = channel.sunspecNotImplemented() ? 1 : 0;
    return switch (channel.type()) {
      case "int16" -> new double[] {Short.MIN_VALUE + marker, Short.MAX_VALUE};
      case "uint16" -> new double[] {0, 65_535 - marker};
      case "int32" -> new double[] {(double) Integer.MIN_VALUE + marker, Integer.MAX_VALUE};
      case "uint32" -> new double[] {0, 4_294_967_295L - marker};
      default -> null;
    };
  }

  /** A config document that fails validation; carries every problem found. */
  public static final class InvalidConfigException extends IllegalArgumentException {
    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
      super("invalid capability config: " + String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }
}
