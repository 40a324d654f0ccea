package energy.dispatch.schema;

import java.time.Duration;

/**
 * How long an edge remembers a finished command, so that a redelivery is answered with the
 * recorded result instead of a second device write. The cloud may re-publish a command until its
 * deadline, so no command may live longer: the cloud refuses a maximum expiry beyond this window.
 */
public final class DedupeWindow {

  /** The edge's window: a day beyond the cloud's default maximum expiry of 7 days, for clock skew. */
  public static final Duration EDGE = Duration.ofDays(8);

  private DedupeWindow() {}
}
