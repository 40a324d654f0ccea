package energy.dispatch.edge.journal;

import java.time.Instant;

/**
 * A setpoint's claim on a device channel against the controllers until {@code until}.
 *
 * @param channelKey {@code device_id/channel}
 * @param value the value the setpoint asked for, in the channel's unit
 */
public record Hold(String channelKey, String commandId, double value, Instant until) {

  public boolean endedAt(Instant now) {
    return !now.isBefore(until);
  }
}
