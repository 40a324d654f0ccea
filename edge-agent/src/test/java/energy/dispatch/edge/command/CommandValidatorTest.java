package energy.dispatch.edge.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.edge.testing.Commands;
import energy.dispatch.edge.testing.EdgeHarness;
import energy.dispatch.edge.testing.FakeClock;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandValidator;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each capability rule, one row per way a command can fail it or pass, on the demo config. */
class CommandValidatorTest {

  private static final CapabilityConfig CONFIG = EdgeHarness.demoConfig();
  private static final Commands COMMANDS = new Commands(FakeClock.at("2026-02-15T14:30:00Z"));

  static Stream<Arguments> cases() {
    return Stream.of(
        row("setpoint within limits", c -> c.setpoint("a", 50_000), null),
        row("setpoint release", c -> c.setpoint("a", null), null),
        row("unknown device", c -> target(c.setpoint("a", 1), "device_id", "inverter_9"), "unknown_device"),
        row("unknown channel", c -> target(c.setpoint("a", 1), "channel", "Voltage"), "unknown_channel"),
        row("read-only channel", c -> target(c.setpoint("a", 1), "channel", "Soc"), "channel_not_writable"),
        row("above max", c -> c.setpoint("a", 100_001), "out_of_range"),
        row("below min", c -> c.setpoint("a", -100_001), "out_of_range"),
        row("wrong unit", c -> c.setpoint("a", 50).put("unit", "kW"), "wrong_unit"),
        row("no unit means the channel's", c -> {
          ObjectNode command = c.setpoint("a", 50);
          command.remove("unit");
          return command;
        }, null),
        row("declared mode", c -> c.modeChange("a", "peak_shaving", "on"), null),
        row("undeclared mode", c -> c.modeChange("a", "peak_shaving", "turbo"), "unknown_mode"),
        row("unknown controller", c -> c.modeChange("a", "frequency", "on"), "unknown_controller"),
        row("override within limits", c -> c.override("a", "min_soc", "MinSoc", 15, 60), null),
        row("override above max", c -> c.override("a", "min_soc", "MinSoc", 101, 60), "out_of_range"),
        row("unknown parameter", c -> c.override("a", "min_soc", "MaxSoc", 90, 60), "unknown_parameter"),
        row("override wrong unit", c -> c.override("a", "min_soc", "MinSoc", 15, 60).put("unit", "W"), "wrong_unit"),
        row("scheduler on a known controller", c -> c.scheduler("a", "balancing", "start"), null),
        row("scheduler on an unknown controller", c -> c.scheduler("a", "nope", "stop"), "unknown_controller"),
        row("system restart", c -> c.system("a", "restart"), null));
  }

  private static Arguments row(String name, Function<Commands, ObjectNode> command, String expectedCode) {
    return Arguments.of(name, command.apply(COMMANDS), expectedCode);
  }

  private static ObjectNode target(ObjectNode command, String field, String value) {
    ((ObjectNode) command.get("target")).put(field, value);
    return command;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validates_against_the_capability_config(String name, ObjectNode json, String expectedCode) throws Exception {
    Command command = Json.mapper().treeToValue(json, Command.class);

    Optional<ErrorDetail> problem = new CommandValidator().validate(command, CONFIG);

    assertThat(problem.map(ErrorDetail::code)).isEqualTo(Optional.ofNullable(expectedCode));
    problem.ifPresent(p -> assertThat(p.message()).isNotBlank());
  }
}
