package energy.dispatch.edge.command;

import energy.dispatch.schema.Command;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * When a command may no longer execute (DESIGN.md section 3): the cloud's {@code expires_at} when
 * the edge's clock is synchronised, and the MQTT message expiry counted on the monotonic clock
 * from receipt; whichever of those the edge can trust passes first. Immutable.
 */
public record Deadline(Optional<Instant> expiresAt, OptionalLong monotonicDeadlineNanos) {

  public static final Deadline NONE = new Deadline(Optional.empty(), OptionalLong.empty());

  /**
   * The deadline of a command received now.
   *
   * @param messageExpirySec what remained of the MQTT message expiry interval on receipt
   * @param receivedNanos the monotonic time of receipt
   */
  public static Deadline of(
      Command command, OptionalLong messageExpirySec, long receivedNanos, boolean clockSynchronized) {
    Optional<Instant> wall = clockSynchronized ? Optional.ofNullable(command.expiresAt()) : Optional.empty();
    OptionalLong monotonic = messageExpirySec.isPresent()
        ? OptionalLong.of(receivedNanos + TimeUnit.SECONDS.toNanos(messageExpirySec.getAsLong()))
        : OptionalLong.empty();
    return new Deadline(wall, monotonic);
  }

  /**
   * The deadline of a command recovered from the journal after a restart: the monotonic count
   * did not survive, so only {@code expires_at} is left; it is used even with an unsynchronised
   * clock, because executing a command that may be stale is worse than refusing it.
   */
  public static Deadline recovered(Command command) {
    return new Deadline(Optional.ofNullable(command.expiresAt()), OptionalLong.empty());
  }

  public boolean passed(Instant now, long nowNanos) {
    boolean wallPassed = expiresAt.map(at -> !now.isBefore(at)).orElse(false);
    boolean monotonicPassed = monotonicDeadlineNanos.isPresent() && nowNanos - monotonicDeadlineNanos.getAsLong() >= 0;
    return wallPassed || monotonicPassed;
  }
}
