package energy.dispatch.edge.state;

/**
 * How late the Core Cycle started against its fixed-rate schedule, since the agent started: the
 * median, the 99th percentile and the worst, in milliseconds, over {@code samples} cycles. Immutable.
 */
public record CycleLateness(double p50Ms, double p99Ms, double maxMs, long samples) {

  public static final CycleLateness NONE = new CycleLateness(0, 0, 0, 0);
}
