package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The five kinds of command an edge executes. */
public enum CommandType {
  SETPOINT("setpoint"),
  MODE_CHANGE("mode_change"),
  CONFIG_OVERRIDE("config_override"),
  SCHEDULER("scheduler"),
  SYSTEM("system");

  private final String wire;

  CommandType(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  @JsonCreator
  public static CommandType fromWire(String wire) {
    for (CommandType type : values()) {
      if (type.wire.equals(wire)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown command_type '" + wire + "'");
  }
}
