package energy.dispatch.cloud.auth;

import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import javax.crypto.SecretKey;

/**
 * Mints access tokens in the simplejwt format for development. Exists only in demo mode: the
 * factory refuses otherwise, so a production node can never issue tokens. Thread-safe.
 */
public final class DevTokens {

  private final SecretKey key;
  private final Clock clock;

  private DevTokens(SecretKey key, Clock clock) {
    this.key = key;
    this.clock = clock;
  }

  /**
   * @throws IllegalStateException unless {@code demoMode}
   */
  public static DevTokens create(boolean demoMode, String jwtSecret, Clock clock) {
    if (!demoMode) {
      throw new IllegalStateException("development tokens are minted only in demo mode (DISPATCH_DEMO=true)");
    }
    return new DevTokens(JwtVerifier.hmacKey(jwtSecret), clock);
  }

  /**
   * An access token for {@code userId} (written as a number when it is one, as simplejwt does).
   *
   * @throws IllegalArgumentException when the verifier would refuse the user id or the validity is not positive,
   *     so no token is minted that could never be used
   */
  public String mint(String userId, Duration validity) {
    if (!JwtVerifier.isUsableUserId(userId)) {
      throw new IllegalArgumentException("the user id must be " + JwtVerifier.USER_ID_RULE);
    }
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("the validity must be positive, got " + validity);
    }
    Instant now = clock.instant();
    // Only a canonical number round-trips through the verifier to the same id: "0123" stays a string.
    Object userIdClaim = userId.matches("[1-9]\\d{0,17}|0") ? (Object) Long.parseLong(userId) : userId;
    return Jwts.builder()
        .header().add("typ", "JWT").and()
        .claim("token_type", "access")
        .claim("user_id", userIdClaim)
        .id(UUID.randomUUID().toString().replace("-", ""))
        .issuedAt(Date.from(now))
        .expiration(Date.from(now.plus(validity)))
        .signWith(key, Jwts.SIG.HS256)
        .compact();
  }
}
