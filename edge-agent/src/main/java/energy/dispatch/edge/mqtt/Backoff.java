package energy.dispatch.edge.mqtt;

import java.time.Duration;

/**
 * Reconnect delays: exponential from {@code initial} to {@code max}, plus up to 25 % random jitter
 * so that a fleet reconnecting after a broker restart spreads out. Immutable.
 */
public record Backoff(Duration initial, Duration max) {

  public static final Backoff RECONNECT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
  /** After a takeover another process holds the session; come back rarely, to find out whether it left. */
  public static final Backoff TAKEOVER = new Backoff(Duration.ofSeconds(60), Duration.ofMinutes(10));

  /**
   * The delay before attempt {@code attempt} (0 for the first retry).
   *
   * @param random a number in [0, 1) that picks the jitter
   */
  public Duration delay(int attempt, double random) {
    long initialMillis = initial.toMillis();
    long maxMillis = max.toMillis();
    long base = attempt >= 31 ? maxMillis : Math.min(maxMillis, initialMillis << Math.max(0, attempt));
    return Duration.ofMillis(base + (long) (base * 0.25 * random));
  }
}
