package energy.dispatch.cloud.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * What an accepted access token proves: the principal ({@code user:<user_id>}) until {@code expiresAt}.
 */
public record VerifiedToken(String principal, String userId, Instant expiresAt) {

  public VerifiedToken {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
