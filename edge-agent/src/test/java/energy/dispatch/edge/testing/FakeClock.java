package energy.dispatch.edge.testing;

import energy.dispatch.edge.command.MonotonicClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A wall clock and a monotonic clock that move only when a test says so. Thread-safe. */
public final class FakeClock extends Clock implements MonotonicClock {

  private volatile Instant now;
  private volatile long nanos = 1_000_000_000L;

  public FakeClock(Instant start) {
    this.now = start;
  }

  public static FakeClock at(String instant) {
    return new FakeClock(Instant.parse(instant));
  }

  public synchronized void advance(Duration step) {
    now = now.plus(step);
    nanos += step.toNanos();
  }

  @Override
  public long nanos() {
    return nanos;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
