package energy.dispatch.edge.device.modbus;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between reconnect attempts: starts at the minimum, doubles after every failed attempt up
 * to the maximum, and is spread by ±20 % so that many edges reconnecting to one gateway do not
 * arrive together. Thread-safe.
 */
final class Backoff {

  private final Duration min;
  private final Duration max;
  private Duration next;

  Backoff(Duration min, Duration max) {
    this.min = min;
    this.max = max;
    this.next = min;
  }

  /** The wait before the next attempt; the one after it will be twice as long, up to the maximum. */
  synchronized Duration next() {
    long millis = next.toMillis();
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(-millis / 5, millis / 5 + 1));
  }

  /** After a success: the next failure waits the minimum again. */
  synchronized void reset() {
    next = min;
  }
}
