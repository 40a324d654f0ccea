package energy.dispatch.edge.device.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void wait_doubles_after_each_failure_up_to_the_maximum_within_20_percent() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    long[] expected = {100, 200, 400, 800, 1000, 1000, 1000};

    for (long base : expected) {
      assertThat(backoff.next().toMillis()).isBetween(base * 8 / 10, base * 12 / 10);
    }
  }

  @Test
  void success_starts_the_next_failure_at_the_minimum_again() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    for (int i = 0; i < 5; i++) {
      backoff.next();
    }

    backoff.reset();

    assertThat(backoff.next().toMillis()).isBetween(80L, 120L);
  }
}
