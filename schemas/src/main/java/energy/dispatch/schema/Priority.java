package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Higher priorities are taken first; within one priority commands keep submission order. An
 * emergency command is applied at once, between cycles, and supersedes anything queued for the
 * same channel.
 */
public enum Priority {
  NORMAL("normal", 0),
  HIGH("high", 1),
  EMERGENCY("emergency", 2);

  private final String wire;
  private final int rank;

  Priority(String wire, int rank) {
    this.wire = wire;
    this.rank = rank;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** Larger is more urgent. */
  public int rank() {
    return rank;
  }

  @JsonCreator
  public static Priority fromWire(String wire) {
    if (wire == null) {
      return NORMAL;
    }
    for (Priority priority : values()) {
      if (priority.wire.equals(wire)) {
        return priority;
      }
    }
    throw new IllegalArgumentException("unknown priority '" + wire + "'");
  }
}
