package energy.dispatch.schema;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Controller;
import energy.dispatch.schema.CapabilityConfig.Parameter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a command against an edge's capability config, one small rule per check, in an order
 * where each rule may rely on the ones before it. The first failing rule names the reason. The
 * edge rejects with it and the cloud refuses with it before the command travels, so both judge a
 * command alike on the same config. Stateless and thread-safe.
 */
public final class CommandValidator {

  @FunctionalInterface
  interface Rule {
    Optional<ErrorDetail> check(Command command, CapabilityConfig config);
  }

  private static final Map<CommandType, List<Rule>> RULES = new EnumMap<>(Map.of(
      CommandType.SETPOINT, List.of(CommandValidator::deviceExists, CommandValidator::channelExists,
          CommandValidator::channelWritable, CommandValidator::valueWithinChannelLimits,
          CommandValidator::unitMatchesChannel),
      CommandType.MODE_CHANGE, List.of(CommandValidator::controllerExists, CommandValidator::modeDeclared),
      CommandType.CONFIG_OVERRIDE, List.of(CommandValidator::controllerExists, CommandValidator::parameterExists,
          CommandValidator::valueWithinParameterLimits, CommandValidator::unitMatchesParameter),
      CommandType.SCHEDULER, List.of(CommandValidator::controllerExists),
      CommandType.SYSTEM, List.of()));

  /** The reason the command cannot run on this edge, or empty when it can. */
  public Optional<ErrorDetail> validate(Command command, CapabilityConfig config) {
    for (Rule rule : RULES.get(command.commandType())) {
      Optional<ErrorDetail> problem = rule.check(command, config);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  static Optional<ErrorDetail> deviceExists(Command command, CapabilityConfig config) {
    String deviceId = command.target().deviceId();
    return config.device(deviceId).isPresent() ? Optional.empty()
        : fail(ErrorCode.UNKNOWN_DEVICE, "device '" + deviceId + "' does not exist on edge " + config.edgeId());
  }

  static Optional<ErrorDetail> channelExists(Command command, CapabilityConfig config) {
    return channel(command, config).isPresent() ? Optional.empty()
        : fail(ErrorCode.UNKNOWN_CHANNEL, "device '" + command.target().deviceId() + "' has no channel '"
            + command.target().channel() + "'");
  }

  static Optional<ErrorDetail> channelWritable(Command command, CapabilityConfig config) {
    return channel(command, config).orElseThrow().writable() ? Optional.empty()
        : fail(ErrorCode.CHANNEL_NOT_WRITABLE, "channel '" + command.target().channelKey() + "' is read-only");
  }

  static Optional<ErrorDetail> valueWithinChannelLimits(Command command, CapabilityConfig config) {
    if (command.isRelease()) {
      return Optional.empty();
    }
    Channel channel = channel(command, config).orElseThrow();
    return withinLimits(command.value(), channel.min(), channel.max(), channel.unit(),
        "channel '" + command.target().channelKey() + "'");
  }

  static Optional<ErrorDetail> unitMatchesChannel(Command command, CapabilityConfig config) {
    Channel channel = channel(command, config).orElseThrow();
    return unitMatches(command.unit(), channel.unit(), "channel '" + command.target().channelKey() + "'");
  }

  static Optional<ErrorDetail> controllerExists(Command command, CapabilityConfig config) {
    String name = command.target().controller();
    return config.controller(name).isPresent() ? Optional.empty()
        : fail(ErrorCode.UNKNOWN_CONTROLLER, "controller '" + name + "' does not exist on edge " + config.edgeId());
  }

  static Optional<ErrorDetail> modeDeclared(Command command, CapabilityConfig config) {
    Controller controller = controller(command, config);
    String mode = command.value().asText();
    if (controller.modes().contains(mode)) {
      return Optional.empty();
    }
    String declared = controller.modes().isEmpty() ? "it declares no modes" : "it declares " + controller.modes();
    return fail(ErrorCode.UNKNOWN_MODE, "controller '" + controller.name() + "' has no mode '" + mode + "'; "
        + declared);
  }

  static Optional<ErrorDetail> parameterExists(Command command, CapabilityConfig config) {
    Controller controller = controller(command, config);
    String parameter = command.target().parameter();
    return controller.parameters().containsKey(parameter) ? Optional.empty()
        : fail(ErrorCode.UNKNOWN_PARAMETER, "controller '" + controller.name() + "' has no parameter '" + parameter
            + "'; it has " + controller.parameters().keySet().stream().sorted().toList());
  }

  static Optional<ErrorDetail> valueWithinParameterLimits(Command command, CapabilityConfig config) {
    Parameter parameter = parameter(command, config);
    if (!parameter.value().isNumber()) {
      return command.value().isTextual() ? Optional.empty()
          : fail(ErrorCode.OUT_OF_RANGE, "parameter '" + command.target().controller() + "/"
              + command.target().parameter() + "' takes a string, not " + command.value());
    }
    return withinLimits(command.value(), parameter.min(), parameter.max(), parameter.unit(),
        "parameter '" + command.target().controller() + "/" + command.target().parameter() + "'");
  }

  static Optional<ErrorDetail> unitMatchesParameter(Command command, CapabilityConfig config) {
    return unitMatches(command.unit(), parameter(command, config).unit(),
        "parameter '" + command.target().controller() + "/" + command.target().parameter() + "'");
  }

  private static Optional<ErrorDetail> withinLimits(JsonNode value, Double min, Double max, String unit, String what) {
    if (!value.isNumber()) {
      return fail(ErrorCode.OUT_OF_RANGE, what + " takes a number, not " + value);
    }
    double number = value.asDouble();
    if ((min != null && number < min) || (max != null && number > max)) {
      String suffix = unit == null ? "" : " " + unit;
      return fail(ErrorCode.OUT_OF_RANGE, value + suffix + " is outside the range of " + what + ": " + bound(min)
          + " to " + bound(max) + suffix);
    }
    return Optional.empty();
  }

  /** A command without a unit is taken in the configured unit; one with a unit must name it exactly. */
  private static Optional<ErrorDetail> unitMatches(String given, String expected, String what) {
    if (given == null || expected == null || given.equals(expected)) {
      return Optional.empty();
    }
    return fail(ErrorCode.WRONG_UNIT, what + " is in " + expected + ", not " + given);
  }

  private static String bound(Double bound) {
    if (bound == null) {
      return "unbounded";
    }
    return bound == Math.rint(bound) ? Long.toString(bound.longValue()) : bound.toString();
  }

  private static Optional<Channel> channel(Command command, CapabilityConfig config) {
    return config.device(command.target().deviceId()).flatMap(device -> device.channel(command.target().channel()));
  }

  private static Controller controller(Command command, CapabilityConfig config) {
    return config.controller(command.target().controller()).orElseThrow();
  }

  private static Parameter parameter(Command command, CapabilityConfig config) {
    return controller(command, config).parameters().get(command.target().parameter());
  }

  private static Optional<ErrorDetail> fail(ErrorCode code, String message) {
    return Optional.of(ErrorDetail.of(code, message));
  }
}
