package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of a command as the cloud records it. {@link #REFUSED} is never stored as a
 * command's state: a refused command was never accepted and reserves no id.
 */
public enum CommandStatus {
  REFUSED("refused"),
  ACCEPTED("accepted"),
  QUEUED("queued"),
  SENT("sent"),
  DELIVERED("delivered"),
  EXECUTED("executed"),
  FAILED("failed"),
  REJECTED("rejected"),
  EXPIRED("expired"),
  SUPERSEDED("superseded"),
  TIMEOUT("timeout"),
  CANCELLED("cancelled");

  private static final Set<CommandStatus> TERMINAL =
      EnumSet.of(EXECUTED, FAILED, REJECTED, EXPIRED, SUPERSEDED, TIMEOUT, CANCELLED, REFUSED);

  private final String wire;

  CommandStatus(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  public boolean isTerminal() {
    return TERMINAL.contains(this);
  }

  @JsonCreator
  public static CommandStatus fromWire(String wire) {
    for (CommandStatus status : values()) {
      if (status.wire.equals(wire)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown command status '" + wire + "'");
  }
}
