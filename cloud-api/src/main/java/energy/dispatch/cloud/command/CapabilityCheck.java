package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Controller;
import energy.dispatch.schema.CapabilityConfig.Device;
import energy.dispatch.schema.CapabilityConfig.Parameter;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.Target;

/**
 * The cloud's check of a command against the edge's capability config, with the rules the edge
 * applies (device and channel exist, channel writable, value within limits and in the channel's
 * unit, controller, mode and parameter exist), so that an obvious mistake is refused before it
 * travels. Pure and thread-safe.
 */
public final class CapabilityCheck {

  private CapabilityCheck() {}

  /** @throws RefusalException naming what the config does not allow */
  public static void check(Command command, CapabilityConfig config) {
    switch (command.commandType()) {
      case SETPOINT -> checkSetpoint(command, config);
      case MODE_CHANGE -> checkMode(command, controller(command.target(), config));
      case CONFIG_OVERRIDE -> checkOverride(command, controller(command.target(), config));
      case SCHEDULER -> controller(command.target(), config);
      case SYSTEM -> { }
      default -> throw new IllegalStateException("unhandled command type " + command.commandType());
    }
  }

  private static void checkSetpoint(Command command, CapabilityConfig config) {
    Target target = command.target();
    Device device = config.device(target.deviceId()).orElseThrow(() -> new RefusalException(ErrorCode.UNKNOWN_DEVICE,
        "edge '" + target.edgeId() + "' has no device '" + target.deviceId() + "'"));
    Channel channel = device.channel(target.channel()).orElseThrow(() -> new RefusalException(
        ErrorCode.UNKNOWN_CHANNEL, "device '" + device.deviceId() + "' has no channel '" + target.channel() + "'"));
    if (!channel.writable()) {
      throw new RefusalException(ErrorCode.CHANNEL_NOT_WRITABLE,
          "channel '" + device.deviceId() + "/" + channel.name() + "' is read-only");
    }
    if (command.isRelease()) {
      return;
    }
    checkUnit(command, channel.unit(), device.deviceId() + "/" + channel.name());
    checkRange(command.value(), channel.min(), channel.max(), device.deviceId() + "/" + channel.name(), channel.unit());
  }

  private static Controller controller(Target target, CapabilityConfig config) {
    return config.controller(target.controller()).orElseThrow(() -> new RefusalException(
        ErrorCode.UNKNOWN_CONTROLLER, "edge '" + target.edgeId() + "' has no controller '" + target.controller() + "'"));
  }

  private static void checkMode(Command command, Controller controller) {
    String mode = command.value().asText();
    if (!controller.modes().isEmpty() && !controller.modes().contains(mode)) {
      throw new RefusalException(ErrorCode.UNKNOWN_MODE, "controller '" + controller.name() + "' has no mode '"
          + mode + "'; it declares " + controller.modes());
    }
  }

  private static void checkOverride(Command command, Controller controller) {
    String name = command.target().parameter();
    Parameter parameter = controller.parameters().get(name);
    if (parameter == null) {
      throw new RefusalException(ErrorCode.UNKNOWN_PARAMETER, "controller '" + controller.name()
          + "' has no parameter '" + name + "'");
    }
    String where = controller.name() + "/" + name;
    checkUnit(command, parameter.unit(), where);
    checkRange(command.value(), parameter.min(), parameter.max(), where, parameter.unit());
  }

  private static void checkUnit(Command command, String expectedUnit, String where) {
    if (command.unit() != null && expectedUnit != null && !command.unit().equals(expectedUnit)) {
      throw new RefusalException(ErrorCode.WRONG_UNIT, "'" + where + "' takes " + expectedUnit + ", not "
          + command.unit());
    }
  }

  private static void checkRange(JsonNode value, Double min, Double max, String where, String unit) {
    if (!value.isNumber()) {
      return;
    }
    double number = value.doubleValue();
    boolean below = min != null && number < min;
    boolean above = max != null && number > max;
    if (below || above) {
      String suffix = unit == null ? "" : " " + unit;
      throw new RefusalException(ErrorCode.OUT_OF_RANGE, "value " + value.asText() + suffix + " for '" + where
          + "' is outside " + bound(min) + " .. " + bound(max) + suffix);
    }
  }

  private static String bound(Double limit) {
    if (limit == null) {
      return "unbounded";
    }
    return limit == Math.rint(limit) ? Long.toString(limit.longValue()) : limit.toString();
  }
}
