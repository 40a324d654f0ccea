package energy.dispatch.edge.cycle;

import java.time.Duration;

/**
 * The due times of a fixed-rate schedule on the monotonic clock, the first one period after its
 * start, as a {@code scheduleAtFixedRate} with the period as initial delay keeps them.
 * {@link CycleSchedule} asks for each run's due time, so a late run is measured against where it
 * belonged, not against the run before it. Not thread-safe: one caller.
 */
final class FixedRateSchedule {

  private final long periodNanos;
  private long dueNanos;

  FixedRateSchedule(long startNanos, Duration period) {
    this.periodNanos = period.toNanos();
    this.dueNanos = startNanos + periodNanos;
  }

  /** The due time of the run that starts now; each call moves on one period. */
  long next() {
    long due = dueNanos;
    dueNanos += periodNanos;
    return due;
  }
}
