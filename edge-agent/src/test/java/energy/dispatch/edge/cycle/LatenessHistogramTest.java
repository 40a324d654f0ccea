package energy.dispatch.edge.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import energy.dispatch.edge.state.CycleLateness;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatenessHistogramTest {

  private final LatenessHistogram histogram = new LatenessHistogram();

  private void recordMillis(double millis) {
    histogram.record((long) (millis * 1_000_000));
  }

  @Test
  void percentiles_of_one_to_a_hundred_milliseconds_are_within_one_percent() {
    for (int millis = 1; millis <= 100; millis++) {
      recordMillis(millis);
    }

    CycleLateness summary = histogram.summary();
    assertThat(summary.p50Ms()).isCloseTo(50, within(0.5));
    assertThat(summary.p99Ms()).isCloseTo(99, within(1.0));
    assertThat(summary.maxMs()).isEqualTo(100);
    assertThat(summary.samples()).isEqualTo(100);
  }

  @Test
  void one_late_cycle_among_many_on_time_moves_the_maximum_but_not_the_median() {
    for (int i = 0; i < 999; i++) {
      recordMillis(0.2);
    }
    recordMillis(40);

    CycleLateness summary = histogram.summary();
    assertThat(summary.p50Ms()).isCloseTo(0.2, within(0.002));
    assertThat(summary.p99Ms()).isCloseTo(0.2, within(0.002));
    assertThat(summary.maxMs()).isEqualTo(40);
  }

  @Test
  void lateness_beyond_a_minute_keeps_its_exact_maximum_and_counts_as_a_minute_in_the_percentiles() {
    histogram.record(Duration.ofMinutes(5).toNanos());

    CycleLateness summary = histogram.summary();
    assertThat(summary.maxMs()).isEqualTo(Duration.ofMinutes(5).toMillis());
    assertThat(summary.p99Ms()).isCloseTo(TimeUnit.MICROSECONDS.toMillis(LatenessHistogram.HIGHEST_MICROS),
        within(600.0));
  }

  @Test
  void no_percentile_is_reported_above_the_exact_maximum() {
    histogram.record(16_324_793);

    assertThat(histogram.summary().p99Ms()).isEqualTo(16.324793);
  }

  @Test
  void a_cycle_that_started_early_counts_as_on_time() {
    histogram.record(-3_000_000);

    assertThat(histogram.summary()).isEqualTo(new CycleLateness(0, 0, 0, 1));
  }

  @Test
  void no_cycle_yet_reports_zero_samples() {
    assertThat(histogram.summary()).isEqualTo(CycleLateness.NONE);
  }

  @Test
  void memory_stays_the_same_however_many_cycles_are_recorded() {
    for (int i = 0; i < 1_000_000; i++) {
      histogram.record(i * 997L % 30_000_000_000L);
    }

    assertThat(histogram.summary().samples()).isEqualTo(1_000_000);
    assertThat(histogram.footprintBytes()).isLessThan(16 * 1024);
  }
}
