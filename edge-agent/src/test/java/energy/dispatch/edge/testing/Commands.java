package energy.dispatch.edge.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.Json;
import java.time.Clock;
import java.time.Duration;

/** Command messages as the cloud sends them, by default to the demo edge site1_edge_prod. */
public final class Commands {

  public static final String EDGE = "site1_edge_prod";

  private final Clock clock;
  private final String edgeId;

  public Commands(Clock clock) {
    this(clock, EDGE);
  }

  public Commands(Clock clock, String edgeId) {
    this.clock = clock;
    this.edgeId = edgeId;
  }

  public ObjectNode setpoint(String commandId, Number watts) {
    ObjectNode command = base(commandId, "setpoint");
    target(command).put("device_id", "bms_main").put("channel", "SetActivePower");
    if (watts == null) {
      command.putNull("value");
    } else {
      command.put("value", watts.doubleValue());
    }
    command.put("unit", "W");
    return command;
  }

  public ObjectNode modeChange(String commandId, String controller, String mode) {
    ObjectNode command = base(commandId, "mode_change");
    target(command).put("controller", controller);
    return command.put("value", mode);
  }

  public ObjectNode scheduler(String commandId, String controller, String action) {
    ObjectNode command = base(commandId, "scheduler");
    target(command).put("controller", controller);
    return command.put("value", action);
  }

  public ObjectNode override(String commandId, String controller, String parameter, double value, int durationSec) {
    ObjectNode command = base(commandId, "config_override");
    target(command).put("controller", controller).put("parameter", parameter);
    return command.put("value", value).put("duration_sec", durationSec);
  }

  public ObjectNode system(String commandId, String action) {
    return base(commandId, "system").put("value", action);
  }

  private ObjectNode base(String commandId, String type) {
    ObjectNode command = Json.mapper().createObjectNode();
    command.put("command_id", commandId).put("command_type", type);
    command.putObject("target").put("edge_id", edgeId);
    command.put("accepted_at", clock.instant().toString());
    command.put("expires_at", clock.instant().plus(Duration.ofMinutes(5)).toString());
    return command;
  }

  private static ObjectNode target(ObjectNode command) {
    return (ObjectNode) command.get("target");
  }
}
