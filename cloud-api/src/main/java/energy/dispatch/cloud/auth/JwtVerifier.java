package energy.dispatch.cloud.auth;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.auth.TokenRefusedException.Reason;
import energy.dispatch.schema.Json;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.security.Keys;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import io.jsonwebtoken.security.SignatureException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies access tokens in the djangorestframework-simplejwt format: a signature by one of the
 * algorithms the configuration accepts (HS256 with the shared secret, RS256 with the configured
 * public key or, when the token names a {@code kid}, the matching key of a JSON Web Key Set); never
 * the algorithm the token asks for, so {@code alg: none} and an HS256 token where only RS256 is
 * accepted are refused. Then {@code token_type} {@code access}, a {@code user_id} that is a number
 * or a string, {@code exp} (required), {@code nbf} and {@code iat} within the configured leeway,
 * and {@code iss} and {@code aud} where configured. Each refusal carries its own {@link Reason};
 * no message contains the token. Thread-safe.
 */
public final class JwtVerifier {

  /** The default clock leeway. */
  public static final Duration LEEWAY = Duration.ofSeconds(30);

  /** What a usable {@code user_id} claim is, in words for refusals. */
  public static final String USER_ID_RULE = "a number, or a string of 1 to 128 characters without spaces or control"
      + " characters";

  private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
  private static final int MAX_TOKEN_CHARS = 8192;

  private final Set<String> algorithms;
  private final SecretKey hmacKey;
  private final PublicKey rsaKey;
  private final JwksKeySet keySet;
  private final String issuer;
  private final String audience;
  private final Duration leeway;
  private final Clock clock;
  private final JwtParser parser;

  private JwtVerifier(Builder builder) {
    this.hmacKey = builder.hmacKey;
    this.rsaKey = builder.rsaKey;
    this.keySet = builder.jwksUri == null ? null
        : JwksKeySet.load(builder.jwksUri, builder.clock, builder.keySetRefreshInterval);
    this.algorithms = builder.algorithms();
    this.issuer = builder.issuer;
    this.audience = builder.audience;
    this.leeway = builder.leeway;
    this.clock = builder.clock;
    this.parser = parser();
  }

  private JwtParser parser() {
    List<SecureDigestAlgorithm<?, ?>> accepted = new ArrayList<>();
    if (algorithms.contains("HS256")) {
      accepted.add(Jwts.SIG.HS256);
    }
    if (algorithms.contains("RS256")) {
      accepted.add(Jwts.SIG.RS256);
    }
    // Only the configured algorithms are known to the parser: whatever a token names, nothing else verifies.
    return Jwts.parser()
        .sig().clear().add(accepted).and()
        .keyLocator(new KeyByAlgorithmAndKid())
        .clockSkewSeconds(leeway.toSeconds())
        .clock(() -> Date.from(clock.instant()))
        .build();
  }

  /** A verifier of HS256 tokens signed with {@code secret} (UTF-8 bytes, at least 32), default leeway. */
  public static JwtVerifier hs256(String secret, Clock clock) {
    return builder(clock).acceptHs256(secret).build();
  }

  /**
   * The verifier the settings describe: the algorithms of {@code DISPATCH_JWT_ALGORITHMS} with
   * their keys, issuer, audience and leeway. Loads the public key file and the key set now.
   *
   * @throws IllegalArgumentException when a key cannot be read, naming the setting
   * @throws java.io.UncheckedIOException when the key set cannot be loaded
   */
  public static JwtVerifier fromSettings(CloudSettings settings, Clock clock) {
    Builder builder = builder(clock).issuer(settings.jwtIssuer()).audience(settings.jwtAudience())
        .leeway(settings.jwtLeeway());
    if (settings.jwtAlgorithms().contains("HS256")) {
      builder.acceptHs256(settings.jwtSecret());
    }
    if (settings.jwtAlgorithms().contains("RS256")) {
      if (settings.jwtPublicKeyFile() != null) {
        builder.acceptRs256(PemKeys.readRsaPublicKey(settings.jwtPublicKeyFile()));
      }
      if (settings.jwtJwksUri() != null) {
        builder.acceptRs256KeySet(settings.jwtJwksUri());
      }
    }
    JwtVerifier verifier = builder.build();
    LOG.info("Access tokens accepted algorithms={} issuer={} audience={} leeway={}s keySet={}", verifier.algorithms(),
        settings.jwtIssuer(), settings.jwtAudience(), settings.jwtLeeway().toSeconds(), verifier.keySet != null);
    return verifier;
  }

  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  static SecretKey hmacKey(String secret) {
    return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** The algorithms this verifier accepts, sorted. */
  public Set<String> algorithms() {
    return new TreeSet<>(algorithms);
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
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new TokenRefusedException(Reason.MALFORMED, "the token is longer than " + MAX_TOKEN_CHARS + " characters");
    }
    requireAcceptedAlgorithm(token);
    Claims claims = parseSigned(token);
    try {
      return acceptClaims(claims);
    } catch (TokenRefusedException e) {
      throw signedBy(e, claims);
    }
  }

  private VerifiedToken acceptClaims(Claims claims) {
    requireAccessToken(claims);
    Instant expiresAt = requireExpiry(claims);
    requireIssuedInPast(claims);
    requireIssuer(claims);
    requireAudience(claims);
    String userId = userId(claims);
    return new VerifiedToken("user:" + userId, userId, expiresAt);
  }

  /** The refusal of a token whose signature verified, knowing its user id for the audit. */
  private static TokenRefusedException signedBy(TokenRefusedException refusal, Claims claims) {
    String userId = usableUserId(claims);
    return userId == null ? refusal : refusal.withSignedUserId(userId);
  }

  private void requireAcceptedAlgorithm(String token) {
    String alg = headerAlgorithm(token);
    if ("none".equalsIgnoreCase(alg)) {
      throw new TokenRefusedException(Reason.UNSIGNED,
          "the token is unsigned (alg none); only signed tokens are accepted");
    }
    if (!algorithms.contains(alg)) {
      throw new TokenRefusedException(Reason.WRONG_ALGORITHM,
          "the token is signed with " + printable(alg) + " but only " + algorithms() + " is accepted");
    }
  }

  private static String headerAlgorithm(String token) {
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
    if (header == null || !header.path("alg").isTextual()) {
      throw new TokenRefusedException(Reason.MALFORMED, "the token header names no alg");
    }
    return header.path("alg").asText();
  }

  /** The algorithm name as a client may see it back: short and plain, or not at all. */
  private static String printable(String alg) {
    return alg.matches("[A-Za-z0-9+_-]{1,20}") ? "'" + alg + "'" : "an unreadable algorithm";
  }

  private Claims parseSigned(String token) {
    try {
      return parser.parseSignedClaims(token).getPayload();
    } catch (ExpiredJwtException e) {
      // jjwt checks exp and nbf only after the signature verified: these claims are the issuer's
      throw signedBy(new TokenRefusedException(Reason.EXPIRED,
          "the token expired at " + e.getClaims().getExpiration().toInstant() + "; get a new access token", e),
          e.getClaims());
    } catch (PrematureJwtException e) {
      throw signedBy(new TokenRefusedException(Reason.NOT_YET_VALID, "the token is not valid yet (nbf "
          + e.getClaims().getNotBefore().toInstant() + " is in the future)", e), e.getClaims());
    } catch (SignatureException e) {
      throw new TokenRefusedException(Reason.BAD_SIGNATURE,
          "the token signature does not verify with the configured key", e);
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
      throw new TokenRefusedException(Reason.WRONG_TOKEN_TYPE, "token_type must be 'access'");
    }
  }

  private static Instant requireExpiry(Claims claims) {
    if (claims.getExpiration() == null) {
      throw new TokenRefusedException(Reason.MISSING_CLAIM, "the token has no exp claim");
    }
    return claims.getExpiration().toInstant();
  }

  private void requireIssuedInPast(Claims claims) {
    Date issuedAt = claims.getIssuedAt();
    if (issuedAt != null && issuedAt.toInstant().isAfter(clock.instant().plus(leeway))) {
      throw new TokenRefusedException(Reason.NOT_YET_VALID,
          "the token was issued in the future (iat " + issuedAt.toInstant() + "); check the issuer's clock");
    }
  }

  private void requireIssuer(Claims claims) {
    if (issuer != null && !issuer.equals(claims.getIssuer())) {
      throw new TokenRefusedException(Reason.WRONG_ISSUER, "the token was not issued by the configured issuer");
    }
  }

  private void requireAudience(Claims claims) {
    if (audience != null && (claims.getAudience() == null || !claims.getAudience().contains(audience))) {
      throw new TokenRefusedException(Reason.WRONG_AUDIENCE, "the token is not meant for this audience");
    }
  }

  private static String userId(Claims claims) {
    String userId = usableUserId(claims);
    if (userId == null) {
      throw new TokenRefusedException(Reason.MISSING_CLAIM,
          "the token has no usable user_id claim (" + USER_ID_RULE + ")");
    }
    return userId;
  }

  /** The {@code user_id} claim as text, or null when it is missing or unusable. */
  private static String usableUserId(Claims claims) {
    Object userId = claims.get("user_id");
    if (userId instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      return Long.toString(number.longValue());
    }
    return userId instanceof String text && isUsableUserId(text) ? text : null;
  }

  /**
   * Whether {@code text} is a user id this verifier accepts in a {@code user_id} claim ({@value #USER_ID_RULE}).
   * The id becomes part of the principal, which log lines and Redis keys carry: no spaces (Unicode ones such as
   * the no-break space included, which would hide in a log line) or control characters.
   */
  public static boolean isUsableUserId(String text) {
    return !text.isEmpty() && text.length() <= 128 && text.codePoints().noneMatch(
        c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c));
  }

  /**
   * The key for a header whose algorithm is already known to be accepted: the secret for HS256
   * (whatever {@code kid} says), for RS256 the key-set key its {@code kid} names, else the single
   * configured key. A key is only ever used with its own algorithm.
   */
  private final class KeyByAlgorithmAndKid extends LocatorAdapter<Key> {

    @Override
    protected Key locate(JwsHeader header) {
      if ("HS256".equals(header.getAlgorithm())) {
        return hmacKey;
      }
      String kid = header.getKeyId();
      if (kid != null && keySet != null) {
        return keySet.find(kid).orElseThrow(() -> new TokenRefusedException(Reason.UNKNOWN_KEY,
            "the token's kid names no key of the configured key set, even after refreshing it"));
      }
      if (rsaKey != null) {
        return rsaKey;
      }
      return keySet.onlyKey().orElseThrow(() -> new TokenRefusedException(Reason.UNKNOWN_KEY,
          "the token has no kid and the key set holds more than one key; the issuer must name its key"));
    }
  }

  /** Chooses the accepted algorithms by the keys given to it. Mutable, single-threaded. */
  public static final class Builder {
    private final Clock clock;
    private SecretKey hmacKey;
    private PublicKey rsaKey;
    private URI jwksUri;
    private String issuer;
    private String audience;
    private Duration leeway = LEEWAY;
    private Duration keySetRefreshInterval = JwksKeySet.DEFAULT_MIN_REFRESH_INTERVAL;

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Accepts HS256 tokens signed with {@code secret} (UTF-8 bytes, at least 32). */
    public Builder acceptHs256(String secret) {
      if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
        throw new IllegalArgumentException("the HS256 secret must be at least 32 bytes (DISPATCH_JWT_SECRET)");
      }
      hmacKey = hmacKey(secret);
      return this;
    }

    /** Accepts RS256 tokens signed by the private half of {@code publicKey} (for tokens without {@code kid}). */
    public Builder acceptRs256(PublicKey publicKey) {
      rsaKey = Objects.requireNonNull(publicKey, "publicKey");
      return this;
    }

    /** Accepts RS256 tokens whose {@code kid} names a key of the set at {@code uri} (https, http or file). */
    public Builder acceptRs256KeySet(URI uri) {
      jwksUri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** The {@code iss} every token must carry; null (the default) checks none. */
    public Builder issuer(String value) {
      issuer = value;
      return this;
    }

    /** An {@code aud} every token must carry; null (the default) checks none. */
    public Builder audience(String value) {
      audience = value;
      return this;
    }

    /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}; default {@link #LEEWAY}. */
    public Builder leeway(Duration value) {
      leeway = Objects.requireNonNull(value, "leeway");
      return this;
    }

    /** The least time between two refreshes of the key set; default 30 s. */
    public Builder keySetRefreshInterval(Duration value) {
      keySetRefreshInterval = Objects.requireNonNull(value, "keySetRefreshInterval");
      return this;
    }

    /**
     * @throws IllegalStateException when no algorithm was accepted
     * @throws java.io.UncheckedIOException when the key set cannot be loaded
     */
    public JwtVerifier build() {
      if (hmacKey == null && rsaKey == null && jwksUri == null) {
        throw new IllegalStateException("a JWT verifier needs at least one accepted algorithm and its key");
      }
      return new JwtVerifier(this);
    }

    private Set<String> algorithms() {
      Set<String> accepted = new TreeSet<>();
      if (hmacKey != null) {
        accepted.add("HS256");
      }
      if (rsaKey != null || jwksUri != null) {
        accepted.add("RS256");
      }
      return Set.copyOf(accepted);
    }
  }
}
