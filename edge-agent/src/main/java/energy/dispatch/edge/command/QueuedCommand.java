package energy.dispatch.edge.command;

import energy.dispatch.schema.Command;

/** A command accepted by the edge and waiting for the Core Cycle; {@code seq} is its arrival order. */
public record QueuedCommand(long seq, Command command, Deadline deadline) {

  public String commandId() {
    return command.commandId();
  }

  /** The device channel a setpoint writes, or null. */
  public String channelKey() {
    return command.target().channelKey();
  }
}
