package energy.dispatch.edge.cycle;

import energy.dispatch.edge.command.MonotonicClock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Runs the Core Cycle at a fixed rate on the cycle thread, handing each run its due time. A new
 * period replaces the running schedule by one that starts a new period after the change, its due
 * times counted from there: lateness is then measured against the period in force, not against
 * the old period's timetable. {@link #start} once, before the first run; {@link #reschedule} on the
 * cycle thread only, between two runs.
 */
public final class CycleSchedule {

  private final ScheduledExecutorService cycleThread;
  private final MonotonicClock monotonic;
  private final LongConsumer cycle;
  private volatile Duration period;
  private volatile ScheduledFuture<?> running;

  /**
   * @param cycle one run, given when it was due on {@code monotonic}; must not throw, or the
   *     executor runs it no more
   */
  public CycleSchedule(ScheduledExecutorService cycleThread, MonotonicClock monotonic, LongConsumer cycle) {
    this.cycleThread = cycleThread;
    this.monotonic = monotonic;
    this.cycle = cycle;
  }

  /** The first run one period from now, then one a period. */
  public void start(Duration period) {
    this.period = period;
    FixedRateSchedule due = new FixedRateSchedule(monotonic.nanos(), period);
    long periodNanos = period.toNanos();
    running = cycleThread.scheduleAtFixedRate(() -> cycle.accept(due.next()), periodNanos, periodNanos,
        TimeUnit.NANOSECONDS);
  }

  /**
   * Moves the cycle to {@code newPeriod}: the next run comes one new period from now. The period in
   * force again changes nothing, so a config that keeps it does not shift the cycle's phase.
   */
  public void reschedule(Duration newPeriod) {
    if (newPeriod.equals(period)) {
      return;
    }
    // On the cycle thread, so no run is under way: the cancelled schedule runs no more.
    running.cancel(false);
    start(newPeriod);
  }

  public Duration period() {
    return period;
  }
}
