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

  /** An access token for {@code userId} (written as a number when it is one, as simplejwt does). */
  public String mint(String userId, Duration validity) {
    Instant now = clock.instant();
    Object userIdClaim = userId.matches("\\d{1,18}") ? (Object) Long.parseLong(userId) : userId;
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
