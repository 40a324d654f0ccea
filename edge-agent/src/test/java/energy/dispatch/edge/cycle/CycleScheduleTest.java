package energy.dispatch.edge.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.edge.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cycle's timetable on a real scheduler; due times come from a fake monotonic clock, so each
 * is exact whatever the machine's load.
 */
class CycleScheduleTest {

  private final ScheduledExecutorService cycleThread = Executors.newSingleThreadScheduledExecutor();
  private final FakeClock monotonic = FakeClock.at("2026-02-15T14:30:00Z");
  private final List<Long> dueTimes = new CopyOnWriteArrayList<>();
  private final CycleSchedule schedule = new CycleSchedule(cycleThread, monotonic, dueTimes::add);

  @AfterEach
  void stop() {
    cycleThread.shutdownNow();
  }

  private void rescheduleOnTheCycleThread(Duration period) throws Exception {
    cycleThread.submit(() -> schedule.reschedule(period)).get();
  }

  @Test
  void a_new_period_takes_effect_at_once_with_due_times_counted_from_the_change() throws Exception {
    schedule.start(Duration.ofMinutes(10));
    monotonic.advance(Duration.ofSeconds(3));
    long changedAt = monotonic.nanos();

    rescheduleOnTheCycleThread(Duration.ofMillis(20));

    await().atMost(Duration.ofSeconds(5)).until(() -> dueTimes.size() >= 3);
    long period = Duration.ofMillis(20).toNanos();
    assertThat(dueTimes.subList(0, 3)).containsExactly(changedAt + period, changedAt + 2 * period,
        changedAt + 3 * period);
    assertThat(schedule.period()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void the_period_in_force_again_keeps_the_running_timetable() throws Exception {
    long startedAt = monotonic.nanos();
    schedule.start(Duration.ofMillis(20));
    await().atMost(Duration.ofSeconds(5)).until(() -> !dueTimes.isEmpty());
    monotonic.advance(Duration.ofMillis(7));

    rescheduleOnTheCycleThread(Duration.ofMillis(20));

    await().atMost(Duration.ofSeconds(5)).until(() -> dueTimes.size() >= 4);
    long period = Duration.ofMillis(20).toNanos();
    assertThat(dueTimes.subList(0, 4)).containsExactly(startedAt + period, startedAt + 2 * period,
        startedAt + 3 * period, startedAt + 4 * period);
  }
}
