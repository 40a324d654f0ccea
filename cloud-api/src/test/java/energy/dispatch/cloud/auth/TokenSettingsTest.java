package energy.dispatch.cloud.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.ratelimit.RateLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSettingsTest {

  private static final String DATABASE_URL = "postgresql://u@h/d";
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void defaults_accept_hs256_with_thirty_seconds_leeway_and_the_default_rate_limits() {
    CloudSettings settings = CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", DATABASE_URL, "DISPATCH_JWT_SECRET", SECRET));

    assertThat(settings.jwtAlgorithms()).containsExactly("HS256");
    assertThat(settings.jwtLeeway()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.jwtIssuer()).isNull();
    assertThat(settings.jwtAudience()).isNull();
    assertThat(settings.rateLimits()).isEqualTo(RateLimits.defaults());
  }

  @Test
  void reads_rs256_key_sources_issuer_audience_leeway_and_rate_limits() {
    CloudSettings settings = CloudSettings.fromEnvironment(Map.ofEntries(
        Map.entry("DATABASE_URL", DATABASE_URL),
        Map.entry("DISPATCH_JWT_ALGORITHMS", "RS256"),
        Map.entry("DISPATCH_JWT_PUBLIC_KEY_FILE", "/etc/dispatch/jwt.pem"),
        Map.entry("DISPATCH_JWT_JWKS_URL", "https://auth.example/jwks.json"),
        Map.entry("DISPATCH_JWT_ISSUER", "auth.example"),
        Map.entry("DISPATCH_JWT_AUDIENCE", "dispatch"),
        Map.entry("DISPATCH_JWT_LEEWAY_SEC", "5"),
        Map.entry("DISPATCH_RATE_WINDOW_SEC", "10"),
        Map.entry("DISPATCH_RATE_PER_PRINCIPAL", "100"),
        Map.entry("DISPATCH_RATE_PER_EDGE", "20"),
        Map.entry("DISPATCH_RATE_EMERGENCY_PER_PRINCIPAL", "3"),
        Map.entry("DISPATCH_RATE_EMERGENCY_PER_EDGE", "4")));

    assertThat(settings.jwtAlgorithms()).containsExactly("RS256");
    assertThat(settings.jwtSecret()).isNull();
    assertThat(settings.jwtPublicKeyFile()).isEqualTo(Path.of("/etc/dispatch/jwt.pem"));
    assertThat(settings.jwtJwksUri()).isEqualTo(URI.create("https://auth.example/jwks.json"));
    assertThat(settings.jwtIssuer()).isEqualTo("auth.example");
    assertThat(settings.jwtAudience()).isEqualTo("dispatch");
    assertThat(settings.jwtLeeway()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.rateLimits()).isEqualTo(new RateLimits(Duration.ofSeconds(10), 100, 20, 3, 4));
  }

  @Test
  void refuses_unknown_algorithms_rs256_without_a_key_and_bad_rate_limits() {
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", DATABASE_URL, "DISPATCH_JWT_SECRET", SECRET, "DISPATCH_JWT_ALGORITHMS", "HS256,none")))
        .hasMessageContaining("DISPATCH_JWT_ALGORITHMS=[HS256, none] must name HS256, RS256 or both");
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", DATABASE_URL, "DISPATCH_JWT_SECRET", SECRET,
        "DISPATCH_RATE_PER_EDGE", "0", "DISPATCH_RATE_WINDOW_SEC", "0")))
        .hasMessageContaining("DISPATCH_RATE_PER_EDGE must be at least 1")
        .hasMessageContaining("DISPATCH_RATE_WINDOW_SEC");
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", DATABASE_URL, "DISPATCH_JWT_ALGORITHMS", "RS256")))
        .hasMessageContaining("RS256 needs DISPATCH_JWT_PUBLIC_KEY_FILE or DISPATCH_JWT_JWKS_URL");
  }

  @Test
  void demo_mode_needs_the_secret_even_when_only_rs256_is_accepted() {
    assertThatThrownBy(() -> CloudSettings.builder().database("jdbc:postgresql://h/d", null, null)
        .redisUrl("redis://h:6379").demoMode(true).jwtAlgorithms(Set.of("RS256"))
        .jwtPublicKeyFile(Path.of("k.pem")).build())
        .hasMessageContaining("DISPATCH_JWT_SECRET");
  }

  @Test
  void a_secret_present_for_demo_tokens_verifies_nothing_unless_hs256_is_configured(@TempDir Path dir)
      throws IOException {
    KeyPair rsa = TestTokens.rsaKeyPair();
    Path publicKeyFile = Files.writeString(dir.resolve("jwt.pem"), PemKeys.toPem(rsa.getPublic()));
    CloudSettings settings = CloudSettings.builder().database("jdbc:postgresql://h/d", null, null)
        .redisUrl("redis://h:6379").demoMode(true).jwtSecret(SECRET).jwtAlgorithms(Set.of("RS256"))
        .jwtPublicKeyFile(publicKeyFile).build();
    JwtVerifier verifier = JwtVerifier.fromSettings(settings, Clock.systemUTC());
    String hs256 = DevTokens.create(true, SECRET, Clock.systemUTC()).mint("42", Duration.ofMinutes(5));

    assertThat(verifier.algorithms()).containsExactly("RS256");
    assertThatThrownBy(() -> verifier.verify(hs256)).isInstanceOfSatisfying(TokenRefusedException.class,
        e -> assertThat(e.reason()).isEqualTo(TokenRefusedException.Reason.WRONG_ALGORITHM));
  }

  @Test
  void an_unreadable_public_key_file_names_the_setting(@TempDir Path dir) throws IOException {
    Path notAKey = Files.writeString(dir.resolve("jwt.pem"),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    CloudSettings settings = CloudSettings.builder().database("jdbc:postgresql://h/d", null, null)
        .redisUrl("redis://h:6379").jwtAlgorithms(Set.of("RS256")).jwtPublicKeyFile(notAKey).build();

    assertThatThrownBy(() -> JwtVerifier.fromSettings(settings, Clock.systemUTC()))
        .hasMessageContaining("DISPATCH_JWT_PUBLIC_KEY_FILE=" + notAKey)
        .hasMessageContaining("not an RSA public key");
    assertThatThrownBy(() -> PemKeys.readRsaPublicKey(dir.resolve("missing.pem")))
        .hasMessageContaining("DISPATCH_JWT_PUBLIC_KEY_FILE");
  }
}
