package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an edge may answer about a command. Every value but {@link #DELIVERED} is a result. */
public enum AckStatus {
  DELIVERED("delivered", CommandStatus.DELIVERED),
  EXECUTED("executed", CommandStatus.EXECUTED),
  FAILED("failed", CommandStatus.FAILED),
  REJECTED("rejected", CommandStatus.REJECTED),
  EXPIRED("expired", CommandStatus.EXPIRED),
  SUPERSEDED("superseded", CommandStatus.SUPERSEDED);

  private final String wire;
  private final CommandStatus commandStatus;

  AckStatus(String wire, CommandStatus commandStatus) {
    this.wire = wire;
    this.commandStatus = commandStatus;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** The command state this ack moves the command to. */
  public CommandStatus commandStatus() {
    return commandStatus;
  }

  public boolean isResult() {
    return this != DELIVERED;
  }

  @JsonCreator
  public static AckStatus fromWire(String wire) {
    for (AckStatus status : values()) {
      if (status.wire.equals(wire)) {
        return status;
      }
    }
    throw new IllegalArgumentException("unknown ack status '" + wire + "'");
  }
}
