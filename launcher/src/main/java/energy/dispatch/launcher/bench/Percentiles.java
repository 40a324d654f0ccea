package energy.dispatch.launcher.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of latency samples in microseconds. */
record Percentiles(int samples, double p50Micros, double p99Micros, double maxMicros) {

  static Percentiles of(long[] micros) {
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
  }

  private static double rank(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
