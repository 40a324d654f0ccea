package energy.dispatch.edge.cycle;

import energy.dispatch.edge.state.CycleLateness;

/**
 * Cycle durations and start lateness measured on the monotonic clock. A cycle longer than its
 * period is an overrun; a cycle that starts after its scheduled time is late by the difference.
 * Written by the cycle thread; the counters are readable from any, {@link #lateness} on the cycle
 * thread only.
 */
public final class CycleStats {

  private final LatenessHistogram lateness = new LatenessHistogram();
  private volatile long lastCycleNanos;
  private volatile long overruns;
  private volatile long cycles;

  void record(long lateNanos, long durationNanos, long periodNanos) {
    lateness.record(lateNanos);
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

  CycleLateness lateness() {
    return lateness.summary();
  }
}
