package energy.dispatch.edge.cycle;

/**
 * Cycle durations measured on the monotonic clock. A cycle longer than its period is an overrun.
 * Written by the cycle thread, read from any.
 */
public final class CycleStats {

  private volatile long lastCycleNanos;
  private volatile long overruns;
  private volatile long cycles;

  void record(long durationNanos, long periodNanos) {
    lastCycleNanos = durationNanos;
    cycles++;
    if (durationNanos > periodNanos) {
      overruns++;
    }
  }

  public double lastCycleMillis() {
    return lastCycleNanos / 1_000_000.0;
  }

  public long overruns() {
    return overruns;
  }

  public long cycles() {
    return cycles;
  }
}
