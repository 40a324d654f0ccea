package energy.dispatch.cloud.auth;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.auth.TokenRefusedException.Reason;
import energy.dispatch.schema.Json;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import io.jsonwebtoken.security.SignatureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.crypto.SecretKey;

/**
 * Verifies access tokens in the djangorestframework-simplejwt format: a signature by the one
 * algorithm the configuration names (never the one the token names; {@code alg: none} and every
 * other algorithm are refused), {@code token_type} {@code access}, a {@code user_id} that is a
 * number or a string, {@code exp} (and {@code iat} when present) within a small leeway. Each
 * refusal carries its own {@link Reason}. Thread-safe.
 *
 * <p>Open for RS256 and key sets: a verifier is an algorithm and a key locator; today only the
 * HS256 one is built ({@link #hs256(String, Clock)}).
 */
public final class JwtVerifier {

  public static final Duration LEEWAY = Duration.ofSeconds(30);

  private final String algorithmName;
  private final JwtParser parser;
  private final Clock clock;

  private JwtVerifier(SecureDigestAlgorithm<?, ?> algorithm, Key key, Clock clock) {
    this.algorithmName = algorithm.getId();
    this.clock = clock;
    // TODO: RS256 with a key set (kid selects, an unknown kid refreshes once) needs a keyLocator here;
    //  until then only the single configured HS256 key verifies.
    this.parser = Jwts.parser()
        .sig().clear().add(algorithm).and()
        .keyLocator(header -> key)
        .clockSkewSeconds(LEEWAY.toSeconds())
        .clock(() -> Date.from(clock.instant()))
        .build();
  }

  /** A verifier of HS256 tokens signed with {@code secret} (UTF-8 bytes, at least 32). */
  public static JwtVerifier hs256(String secret, Clock clock) {
    return new JwtVerifier(Jwts.SIG.HS256, hmacKey(secret), clock);
  }

  static SecretKey hmacKey(String secret) {
    return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Verifies a compact token.
   *
   * @throws TokenRefusedException naming the check that failed
   */
  public VerifiedToken verify(String token) {
    if (token == null || token.isBlank()) {
      throw new TokenRefusedException(Reason.MISSING, "no access token was presented");
    }
    requireConfiguredAlgorithm(token);
    Claims claims = parseSigned(token);
    requireAccessToken(claims);
    requireIssuedInPast(claims);
    String userId = userId(claims);
    if (claims.getExpiration() == null) {
      throw new TokenRefusedException(Reason.MISSING_CLAIM, "the token has no exp claim");
    }
    return new VerifiedToken("user:" + userId, userId, claims.getExpiration().toInstant());
  }

  private void requireConfiguredAlgorithm(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      throw new TokenRefusedException(Reason.MALFORMED, "the token is not a compact JWT (header.payload.signature)");
    }
    JsonNode header;
    try {
      header = Json.mapper().readTree(Base64.getUrlDecoder().decode(token.substring(0, dot)));
    } catch (IOException | IllegalArgumentException e) {
      throw new TokenRefusedException(Reason.MALFORMED, "the token header is not base64url JSON", e);
    }
    String alg = header == null ? null : header.path("alg").asText(null);
    if (!algorithmName.equals(alg)) {
      throw new TokenRefusedException(Reason.WRONG_ALGORITHM,
          "the token is signed with '" + alg + "' but only " + algorithmName + " is accepted");
    }
  }

  private Claims parseSigned(String token) {
    try {
      return parser.parseSignedClaims(token).getPayload();
    } catch (ExpiredJwtException e) {
      throw new TokenRefusedException(Reason.EXPIRED, "the token expired at " + e.getClaims().getExpiration().toInstant()
          + "; get a new access token", e);
    } catch (PrematureJwtException e) {
      throw new TokenRefusedException(Reason.NOT_YET_VALID, "the token is not valid yet (nbf in the future)", e);
    } catch (SignatureException e) {
      throw new TokenRefusedException(Reason.BAD_SIGNATURE, "the token signature does not verify with the configured key", e);
    } catch (JwtException | IllegalArgumentException e) {
      throw new TokenRefusedException(Reason.MALFORMED, "the token cannot be read as a signed JWT", e);
    }
  }

  private static void requireAccessToken(Claims claims) {
    Object type = claims.get("token_type");
    if ("refresh".equals(type)) {
      throw new TokenRefusedException(Reason.REFRESH_TOKEN,
          "a refresh token cannot authenticate; exchange it for an access token first");
    }
    if (!"access".equals(type)) {
      throw new TokenRefusedException(Reason.WRONG_TOKEN_TYPE, "token_type must be 'access', got '" + type + "'");
    }
  }

  private void requireIssuedInPast(Claims claims) {
    Date issuedAt = claims.getIssuedAt();
    Instant latest = clock.instant().plus(LEEWAY);
    if (issuedAt != null && issuedAt.toInstant().isAfter(latest)) {
      throw new TokenRefusedException(Reason.NOT_YET_VALID, "the token was issued in the future (iat " + issuedAt.toInstant() + ")");
    }
  }

  private static String userId(Claims claims) {
    Object userId = claims.get("user_id");
    if (userId instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return Long.toString(number.longValue());
    }
    if (userId instanceof String text && !text.isBlank() && text.length() <= 128) {
      return text;
    }
    throw new TokenRefusedException(Reason.MISSING_CLAIM, "the token has no usable user_id claim (a number or a string)");
  }
}
