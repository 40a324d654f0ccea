package energy.dispatch.edge.cycle;

import energy.dispatch.edge.state.CycleLateness;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Start lateness of every cycle in constant memory: an HdrHistogram of microseconds up to one
 * minute at two significant digits (about 10 KB, percentiles within 1 %), with the exact worst
 * case kept beside it. Written by the cycle thread only; {@link #summary} on the same thread.
 */
final class LatenessHistogram {

  /** Lateness beyond this counts as this in the percentiles; the maximum stays exact. */
  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
  private static final int SIGNIFICANT_DIGITS = 2;

  private final IntCountsHistogram micros = new IntCountsHistogram(1, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
  private long maxNanos;

  /** Records one cycle's lateness; a negative one (started early) counts as on time. */
  void record(long lateNanos) {
    long late = Math.max(0, lateNanos);
    maxNanos = Math.max(maxNanos, late);
    micros.recordValue(Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(late)));
  }

  CycleLateness summary() {
    if (micros.getTotalCount() == 0) {
      return CycleLateness.NONE;
    }
    double maxMs = maxNanos / 1_000_000.0;
    return new CycleLateness(percentileMs(50, maxMs), percentileMs(99, maxMs), maxMs, micros.getTotalCount());
  }

  /** What the counts take in memory; fixed at construction, whatever is recorded. */
  int footprintBytes() {
    return micros.getEstimatedFootprintInBytes();
  }

  /** A bucket's upper edge can lie above the exact maximum; no percentile is reported above it. */
  private double percentileMs(double percentile, double maxMs) {
    return Math.min(maxMs, micros.getValueAtPercentile(percentile) / 1_000.0);
  }
}
