package energy.dispatch.cloud.auth;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;

/** Keys and simplejwt-shaped tokens for the verifier tests. */
final class TestTokens {

  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  static final String SECRET = "test-secret-test-secret-test-secret-0123";
  static final String OTHER_SECRET = "another-secret-another-secret-another-99";

  private TestTokens() {}

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no RSA", e);
    }
  }

  static Key hmac(String secret) {
    return Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** An access token as simplejwt writes it: typ JWT, token_type, user_id, jti, iat, exp; no kid. */
  static JwtBuilder access(Object userId) {
    return Jwts.builder()
        .header().add("typ", "JWT").and()
        .claim("token_type", "access")
        .claim("user_id", userId)
        .id("0123456789abcdef")
        .issuedAt(Date.from(NOW.minusSeconds(60)))
        .expiration(Date.from(NOW.plus(Duration.ofMinutes(5))));
  }

  /** {@code alg: none}: the payload of a valid access token, no signature. */
  static String unsigned() {
    return base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
        + base64Url("{\"token_type\":\"access\",\"user_id\":42,\"exp\":" + NOW.plusSeconds(300).getEpochSecond() + "}")
        + ".";
  }

  static String base64Url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON Web Key Set of RSA signing keys, each {@code kid} paired with its key. */
  static String jwks(List<String> kids, List<RSAPublicKey> keys) {
    return "{\"keys\":[" + java.util.stream.IntStream.range(0, kids.size())
        .mapToObj(i -> jwk(kids.get(i), keys.get(i))).collect(Collectors.joining(",")) + "]}";
  }

  private static String jwk(String kid, RSAPublicKey key) {
    return "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"n\":\""
        + unsigned(key.getModulus()) + "\",\"e\":\"" + unsigned(key.getPublicExponent()) + "\"}";
  }

  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
