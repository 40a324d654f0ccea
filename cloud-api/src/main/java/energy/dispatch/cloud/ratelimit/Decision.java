package energy.dispatch.cloud.ratelimit;

import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.time.Duration;
import java.util.Objects;

/**
 * The answer of {@link RateLimiter#check}: allowed, refused with {@code rate_limited} and the time
 * until the full bucket empties, or refused with {@code store_unavailable} because the buckets
 * cannot be read (fail closed). Immutable.
 *
 * @param retryAfter when a {@code rate_limited} command may be tried again; zero otherwise
 * @param message a sentence for the client; empty when allowed
 */
public record Decision(Outcome outcome, Duration retryAfter, String message) {

  /** What the limiter decided. */
  public enum Outcome {
    ALLOWED,
    RATE_LIMITED,
    STORE_UNAVAILABLE
  }

  private static final Decision ALLOWED = new Decision(Outcome.ALLOWED, Duration.ZERO, "");

  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(message, "message");
  }

  static Decision allow() {
    return ALLOWED;
  }

  static Decision rateLimited(Duration retryAfter, String message) {
    return new Decision(Outcome.RATE_LIMITED, retryAfter, message);
  }

  static Decision storeUnavailable() {
    return new Decision(Outcome.STORE_UNAVAILABLE, Duration.ZERO,
        "rate limits cannot be checked because Redis is unreachable; new commands are refused until it is back");
  }

  public boolean isAllowed() {
    return outcome == Outcome.ALLOWED;
  }

  public boolean isRateLimited() {
    return outcome == Outcome.RATE_LIMITED;
  }

  /** Whole seconds to wait, rounded up (at least 1 when rate limited); 0 when allowed or the store is down. */
  public long retryAfterSeconds() {
    return outcome == Outcome.RATE_LIMITED ? wholeSecondsUp(retryAfter) : 0;
  }

  static long wholeSecondsUp(Duration duration) {
    return Math.max(1, duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0));
  }

  /**
   * The code a refusal is answered with.
   *
   * @throws IllegalStateException when the command was allowed
   */
  public ErrorCode errorCode() {
    return switch (outcome) {
      case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
      case STORE_UNAVAILABLE -> ErrorCode.STORE_UNAVAILABLE;
      case ALLOWED -> throw new IllegalStateException("an allowed command has no error code");
    };
  }

  /**
   * The refusal as the client sees it.
   *
   * @throws IllegalStateException when the command was allowed
   */
  public ErrorDetail toErrorDetail() {
    return ErrorDetail.of(errorCode(), message);
  }
}
