package energy.dispatch.cloud.auth;

import static energy.dispatch.cloud.auth.TestTokens.NOW;
import static energy.dispatch.cloud.auth.TestTokens.OTHER_SECRET;
import static energy.dispatch.cloud.auth.TestTokens.SECRET;
import static energy.dispatch.cloud.auth.TestTokens.access;
import static energy.dispatch.cloud.auth.TestTokens.hmac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import energy.dispatch.cloud.auth.TokenRefusedException.Reason;
import energy.dispatch.schema.ErrorCode;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtVerifierTest {

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final KeyPair RSA = TestTokens.rsaKeyPair();
  private static final KeyPair OTHER_RSA = TestTokens.rsaKeyPair();

  /** The configurations under test, by name. */
  private static final Map<String, Supplier<JwtVerifier>> VERIFIERS = Map.of(
      "HS256", () -> JwtVerifier.hs256(SECRET, CLOCK),
      "RS256", () -> JwtVerifier.builder(CLOCK).acceptRs256(RSA.getPublic()).build(),
      "HS256+RS256", () -> JwtVerifier.builder(CLOCK).acceptHs256(SECRET).acceptRs256(RSA.getPublic()).build(),
      "HS256 iss+aud", () -> JwtVerifier.builder(CLOCK).acceptHs256(SECRET).issuer("https://auth.example")
          .audience("dispatch").build(),
      "HS256 leeway 0", () -> JwtVerifier.builder(CLOCK).acceptHs256(SECRET).leeway(Duration.ZERO).build());

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("HS256", "numeric user_id", access(42).signWith(hmac(SECRET)).compact(), "user:42"),
        Arguments.of("HS256", "string user_id", access("abc").signWith(hmac(SECRET)).compact(), "user:abc"),
        Arguments.of("HS256", "expired within the leeway",
            access(7).expiration(Date.from(NOW.minusSeconds(20))).signWith(hmac(SECRET)).compact(), "user:7"),
        Arguments.of("HS256", "issued just ahead within the leeway",
            access(7).issuedAt(Date.from(NOW.plusSeconds(20))).signWith(hmac(SECRET)).compact(), "user:7"),
        Arguments.of("HS256", "a kid is ignored for HS256",
            access(8).header().keyId("whatever").and().signWith(hmac(SECRET)).compact(), "user:8"),
        Arguments.of("RS256", "RS256 without kid: the single key",
            access(9).signWith(RSA.getPrivate(), Jwts.SIG.RS256).compact(), "user:9"),
        Arguments.of("HS256+RS256", "HS256 when both are accepted", access(10).signWith(hmac(SECRET)).compact(),
            "user:10"),
        Arguments.of("HS256+RS256", "RS256 when both are accepted",
            access(11).signWith(RSA.getPrivate(), Jwts.SIG.RS256).compact(), "user:11"),
        Arguments.of("HS256 iss+aud", "the configured issuer and audience",
            access(12).issuer("https://auth.example").audience().add("dispatch").and().signWith(hmac(SECRET))
                .compact(), "user:12"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("accepted")
  void accepts_valid_access_tokens(String verifier, String description, String token, String principal) {
    VerifiedToken verified = VERIFIERS.get(verifier).get().verify(token);

    assertThat(verified.principal()).isEqualTo(principal);
    assertThat(verified.userId()).isEqualTo(principal.substring("user:".length()));
  }

  static Stream<Arguments> refused() {
    String rsaPublicAsHmacSecret = access(42)
        .signWith(Keys.hmacShaKeyFor(RSA.getPublic().getEncoded()), Jwts.SIG.HS256).compact();
    return Stream.of(
        Arguments.of("HS256", "no token", "", Reason.MISSING, ErrorCode.UNAUTHENTICATED),
        Arguments.of("HS256", "expired beyond the leeway",
            access(42).expiration(Date.from(NOW.minusSeconds(31))).signWith(hmac(SECRET)).compact(),
            Reason.EXPIRED, ErrorCode.TOKEN_EXPIRED),
        Arguments.of("HS256 leeway 0", "expired a second ago without leeway",
            access(42).expiration(Date.from(NOW.minusSeconds(1))).signWith(hmac(SECRET)).compact(),
            Reason.EXPIRED, ErrorCode.TOKEN_EXPIRED),
        Arguments.of("HS256", "nbf beyond the leeway",
            access(42).notBefore(Date.from(NOW.plusSeconds(120))).signWith(hmac(SECRET)).compact(),
            Reason.NOT_YET_VALID, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "iat beyond the leeway",
            access(42).issuedAt(Date.from(NOW.plusSeconds(120))).signWith(hmac(SECRET)).compact(),
            Reason.NOT_YET_VALID, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "signed with another secret", access(42).signWith(hmac(OTHER_SECRET)).compact(),
            Reason.BAD_SIGNATURE, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "alg none", TestTokens.unsigned(), Reason.UNSIGNED, ErrorCode.TOKEN_INVALID),
        Arguments.of("RS256", "alg none where RS256 is accepted", TestTokens.unsigned(), Reason.UNSIGNED,
            ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "a refresh token",
            access(42).claim("token_type", "refresh").signWith(hmac(SECRET)).compact(),
            Reason.REFRESH_TOKEN, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "no token_type",
            access(42).claim("token_type", null).signWith(hmac(SECRET)).compact(),
            Reason.WRONG_TOKEN_TYPE, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "no exp", access(42).expiration(null).signWith(hmac(SECRET)).compact(),
            Reason.MISSING_CLAIM, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "no user_id", access(42).claim("user_id", null).signWith(hmac(SECRET)).compact(),
            Reason.MISSING_CLAIM, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "a user_id with a line break", access("7\nforged log line").signWith(hmac(SECRET))
            .compact(), Reason.MISSING_CLAIM, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "a user_id with a no-break space", access("7\u00a0admin").signWith(hmac(SECRET))
            .compact(), Reason.MISSING_CLAIM, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "a user_id that is not a number or string", access(true).signWith(hmac(SECRET))
            .compact(), Reason.MISSING_CLAIM, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "not a JWT", "not-a-token", Reason.MALFORMED, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "a header that is not JSON", "bm90IGpzb24.e30.c2ln", Reason.MALFORMED,
            ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "a signed payload that is not JSON claims",
            Jwts.builder().content("not json".getBytes(StandardCharsets.UTF_8)).signWith(hmac(SECRET)).compact(),
            Reason.MALFORMED, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "a payload that is not JSON, signature not checked first",
            TestTokens.base64Url("{\"alg\":\"HS256\"}") + ".bm90IGpzb24.c2ln", Reason.BAD_SIGNATURE,
            ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "longer than 8 KiB", "a".repeat(9000), Reason.MALFORMED, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "HS512 is not configured",
            access(42).signWith(Keys.hmacShaKeyFor(new byte[64]), Jwts.SIG.HS512).compact(),
            Reason.WRONG_ALGORITHM, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256", "RS256 where only HS256 is accepted",
            access(42).signWith(RSA.getPrivate(), Jwts.SIG.RS256).compact(), Reason.WRONG_ALGORITHM,
            ErrorCode.TOKEN_INVALID),
        Arguments.of("RS256", "key confusion: HS256 keyed with the RSA public key", rsaPublicAsHmacSecret,
            Reason.WRONG_ALGORITHM, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256+RS256", "key confusion where both are accepted", rsaPublicAsHmacSecret,
            Reason.BAD_SIGNATURE, ErrorCode.TOKEN_INVALID),
        Arguments.of("RS256", "RS384 is not configured",
            access(42).signWith(RSA.getPrivate(), Jwts.SIG.RS384).compact(), Reason.WRONG_ALGORITHM,
            ErrorCode.TOKEN_INVALID),
        Arguments.of("RS256", "signed by another RSA key",
            access(42).signWith(OTHER_RSA.getPrivate(), Jwts.SIG.RS256).compact(), Reason.BAD_SIGNATURE,
            ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256 iss+aud", "another issuer",
            access(42).issuer("https://evil.example").audience().add("dispatch").and().signWith(hmac(SECRET))
                .compact(), Reason.WRONG_ISSUER, ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256 iss+aud", "no issuer",
            access(42).audience().add("dispatch").and().signWith(hmac(SECRET)).compact(), Reason.WRONG_ISSUER,
            ErrorCode.TOKEN_INVALID),
        Arguments.of("HS256 iss+aud", "another audience",
            access(42).issuer("https://auth.example").audience().add("billing").and().signWith(hmac(SECRET))
                .compact(), Reason.WRONG_AUDIENCE, ErrorCode.TOKEN_INVALID));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("refused")
  void refuses_each_bad_token_with_its_own_reason_and_never_echoes_it_even_in_causes(String verifier, String description,
      String token, Reason reason, ErrorCode code) {
    TokenRefusedException refusal = catchThrowableOfType(TokenRefusedException.class,
        () -> VERIFIERS.get(verifier).get().verify(token));

    assertThat(refusal).as(description).isNotNull();
    assertThat(refusal.reason()).isEqualTo(reason);
    assertThat(refusal.toErrorDetail().code()).isEqualTo(code.wire());
    assertThat(refusal.getMessage()).isNotBlank();
    if (token.length() > 10) {
      String signatureTail = token.substring(token.length() - 10);
      for (Throwable t = refusal; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(token).doesNotContain(signatureTail);
      }
    }
  }

  @Test
  void a_null_token_is_unauthenticated() {
    assertThatThrownBy(() -> JwtVerifier.hs256(SECRET, CLOCK).verify(null))
        .isInstanceOfSatisfying(TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MISSING));
  }

  @Test
  void accepts_only_the_algorithms_given_keys() {
    assertThat(VERIFIERS.get("RS256").get().algorithms()).containsExactly("RS256");
    assertThat(VERIFIERS.get("HS256+RS256").get().algorithms()).containsExactly("HS256", "RS256");
    assertThatThrownBy(() -> JwtVerifier.builder(CLOCK).build())
        .hasMessageContaining("at least one accepted algorithm");
    assertThatThrownBy(() -> JwtVerifier.builder(CLOCK).acceptHs256("short"))
        .hasMessageContaining("at least 32 bytes");
  }
}
