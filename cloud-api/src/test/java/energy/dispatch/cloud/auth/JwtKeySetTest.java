package energy.dispatch.cloud.auth;

import static energy.dispatch.cloud.auth.TestTokens.NOW;
import static energy.dispatch.cloud.auth.TestTokens.access;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import energy.dispatch.cloud.auth.TokenRefusedException.Reason;
import io.jsonwebtoken.Jwts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeySetTest {

  private static final KeyPair KEY_A = TestTokens.rsaKeyPair();
  private static final KeyPair KEY_B = TestTokens.rsaKeyPair();

  private final MutableClock clock = new MutableClock(NOW);
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicReference<String> served = new AtomicReference<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer keyServer;

  @BeforeAll
  static void setNoDelayOnTheTestKeyServer() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @AfterEach
  void stopKeyServer() {
    if (keyServer != null) {
      keyServer.stop(0);
    }
  }

  @Test
  void a_kid_selects_its_key_from_a_key_set_file_and_an_unknown_kid_refreshes_it(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("jwks.json");
    Files.writeString(file, TestTokens.jwks(List.of("a"), List.of(rsa(KEY_A))));
    JwtVerifier verifier = JwtVerifier.builder(clock).acceptRs256KeySet(file.toUri()).build();

    assertThat(verifier.verify(signed(KEY_A, "a", 1)).principal()).isEqualTo("user:1");
    Files.writeString(file, TestTokens.jwks(List.of("a", "b"), List.of(rsa(KEY_A), rsa(KEY_B))));
    clock.advance(Duration.ofSeconds(31));

    assertThat(verifier.verify(signed(KEY_B, "b", 2)).principal()).isEqualTo("user:2");
  }

  @Test
  void a_key_withdrawn_from_the_set_stops_verifying_once_the_set_is_older_than_its_max_age(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("jwks.json");
    Files.writeString(file, TestTokens.jwks(List.of("a", "b"), List.of(rsa(KEY_A), rsa(KEY_B))));
    JwtVerifier verifier = JwtVerifier.builder(clock).acceptRs256KeySet(file.toUri()).build();
    assertThat(verifier.verify(signed(KEY_B, "b", 1)).principal()).isEqualTo("user:1");

    Files.writeString(file, TestTokens.jwks(List.of("a"), List.of(rsa(KEY_A))));
    assertThat(verifier.verify(signed(KEY_B, "b", 1)).principal()).isEqualTo("user:1");
    clock.advance(Duration.ofMinutes(11));

    assertThatThrownBy(() -> verifier.verify(signed(KEY_B, "b", 1)))
        .isInstanceOfSatisfying(TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    assertThat(verifier.verify(signed(KEY_A, "a", 1)).principal()).isEqualTo("user:1");
  }

  @Test
  void a_flood_of_unknown_kids_refreshes_the_key_set_only_once_per_interval() {
    serve(TestTokens.jwks(List.of("a"), List.of(rsa(KEY_A))));
    JwtVerifier verifier = JwtVerifier.builder(clock).acceptRs256KeySet(keyServerUri()).build();
    clock.advance(Duration.ofSeconds(31));

    for (int i = 0; i < 50; i++) {
      String bogusKid = UUID.randomUUID().toString();
      assertThatThrownBy(() -> verifier.verify(signed(KEY_B, bogusKid, 3)))
          .isInstanceOfSatisfying(TokenRefusedException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    }

    assertThat(fetches).hasValue(2);
  }

  @Test
  void a_rotated_key_is_found_once_the_refresh_interval_has_passed() {
    serve(TestTokens.jwks(List.of("a"), List.of(rsa(KEY_A))));
    JwtVerifier verifier = JwtVerifier.builder(clock).acceptRs256KeySet(keyServerUri()).build();
    served.set(TestTokens.jwks(List.of("a", "b"), List.of(rsa(KEY_A), rsa(KEY_B))));

    assertThatThrownBy(() -> verifier.verify(signed(KEY_B, "b", 4)))
        .isInstanceOfSatisfying(TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    clock.advance(Duration.ofSeconds(31));

    assertThat(verifier.verify(signed(KEY_B, "b", 4)).principal()).isEqualTo("user:4");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void a_failed_refresh_keeps_the_keys_loaded_before() {
    serve(TestTokens.jwks(List.of("a"), List.of(rsa(KEY_A))));
    JwtVerifier verifier = JwtVerifier.builder(clock).acceptRs256KeySet(keyServerUri()).build();
    status.set(500);
    clock.advance(Duration.ofSeconds(31));

    assertThatThrownBy(() -> verifier.verify(signed(KEY_B, "b", 5)))
        .isInstanceOfSatisfying(TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    assertThat(verifier.verify(signed(KEY_A, "a", 5)).principal()).isEqualTo("user:5");
  }

  @Test
  void without_kid_the_single_configured_key_verifies_even_beside_a_key_set() {
    serve(TestTokens.jwks(List.of("a", "b"), List.of(rsa(KEY_A), rsa(KEY_B))));
    JwtVerifier withSingleKey = JwtVerifier.builder(clock).acceptRs256(KEY_B.getPublic())
        .acceptRs256KeySet(keyServerUri()).build();
    JwtVerifier setOnly = JwtVerifier.builder(clock).acceptRs256KeySet(keyServerUri()).build();

    assertThat(withSingleKey.verify(signed(KEY_B, null, 6)).principal()).isEqualTo("user:6");
    assertThatThrownBy(() -> setOnly.verify(signed(KEY_B, null, 6)))
        .isInstanceOfSatisfying(TokenRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
  }

  @Test
  void without_kid_a_key_set_of_one_key_verifies() {
    serve(TestTokens.jwks(List.of("a"), List.of(rsa(KEY_A))));
    JwtVerifier verifier = JwtVerifier.builder(clock).acceptRs256KeySet(keyServerUri()).build();

    assertThat(verifier.verify(signed(KEY_A, null, 7)).principal()).isEqualTo("user:7");
  }

  @Test
  void a_key_from_the_set_does_not_verify_a_token_naming_another_kid() {
    serve(TestTokens.jwks(List.of("a", "b"), List.of(rsa(KEY_A), rsa(KEY_B))));
    JwtVerifier verifier = JwtVerifier.builder(clock).acceptRs256KeySet(keyServerUri()).build();

    assertThatThrownBy(() -> verifier.verify(signed(KEY_A, "b", 8)))
        .isInstanceOfSatisfying(TokenRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
  }

  @Test
  void an_unreachable_key_set_fails_the_start_naming_the_setting() {
    serve("{}");
    URI uri = keyServerUri();
    keyServer.stop(0);
    keyServer = null;

    assertThatThrownBy(() -> JwtVerifier.builder(clock).acceptRs256KeySet(uri).build())
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("DISPATCH_JWT_JWKS_URL");
  }

  @Test
  void a_key_set_with_only_an_encryption_key_fails_the_start() {
    serve(TestTokens.jwks(List.of("a"), List.of(rsa(KEY_A))).replace("\"use\":\"sig\"", "\"use\":\"enc\""));

    assertThatThrownBy(() -> JwtVerifier.builder(clock).acceptRs256KeySet(keyServerUri()).build())
        .hasMessageContaining("no RSA signing key");
  }

  private static String signed(KeyPair key, String kid, int userId) {
    return access(userId).expiration(Date.from(NOW.plus(Duration.ofHours(1)))).header().keyId(kid).and()
        .signWith(key.getPrivate(), Jwts.SIG.RS256).compact();
  }

  private static RSAPublicKey rsa(KeyPair key) {
    return (RSAPublicKey) key.getPublic();
  }

  private void serve(String jwks) {
    served.set(jwks);
    try {
      keyServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    keyServer.createContext("/jwks.json", exchange -> {
      fetches.incrementAndGet();
      byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status.get(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    keyServer.start();
  }

  private URI keyServerUri() {
    return URI.create("http://127.0.0.1:" + keyServer.getAddress().getPort() + "/jwks.json");
  }
}
