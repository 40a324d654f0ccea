package energy.dispatch.cloud.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How many commands fit in one fixed window, per principal and per edge, with emergency commands
 * counted in buckets of their own so that a flood of ordinary commands never blocks an emergency
 * stop. Immutable.
 *
 * @param window the length of one counting window (whole seconds, 1 s to 1 h)
 * @param perPrincipal normal and high priority commands one principal may submit per window
 * @param perEdge normal and high priority commands all principals together may send to one edge per window
 * @param emergencyPerPrincipal emergency commands one principal may submit per window
 * @param emergencyPerEdge emergency commands all principals together may send to one edge per window
 */
public record RateLimits(Duration window, int perPrincipal, int perEdge, int emergencyPerPrincipal,
    int emergencyPerEdge) {

  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
  public static final int DEFAULT_PER_PRINCIPAL = 6_000;
  public static final int DEFAULT_PER_EDGE = 600;
  public static final int DEFAULT_EMERGENCY_PER_PRINCIPAL = 60;
  public static final int DEFAULT_EMERGENCY_PER_EDGE = 60;

  /**
   * @throws IllegalArgumentException naming every value out of range, by its environment variable
   */
  public RateLimits {
    List<String> problems = new ArrayList<>();
    if (window == null || window.toMillis() % 1000 != 0 || window.toSeconds() < 1 || window.toSeconds() > 3600) {
      problems.add("DISPATCH_RATE_WINDOW_SEC must be a whole number of seconds from 1 to 3600, got " + window);
    }
    requirePositive(problems, "DISPATCH_RATE_PER_PRINCIPAL", perPrincipal);
    requirePositive(problems, "DISPATCH_RATE_PER_EDGE", perEdge);
    requirePositive(problems, "DISPATCH_RATE_EMERGENCY_PER_PRINCIPAL", emergencyPerPrincipal);
    requirePositive(problems, "DISPATCH_RATE_EMERGENCY_PER_EDGE", emergencyPerEdge);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The defaults of the README: per minute, 6,000 per principal, 600 per edge, 60 emergency each. */
  public static RateLimits defaults() {
    return new RateLimits(DEFAULT_WINDOW, DEFAULT_PER_PRINCIPAL, DEFAULT_PER_EDGE, DEFAULT_EMERGENCY_PER_PRINCIPAL,
        DEFAULT_EMERGENCY_PER_EDGE);
  }

  private static void requirePositive(List<String> problems, String variable, int value) {
    if (value < 1) {
      problems.add(variable + " must be at least 1, got " + value);
    }
  }
}
