package energy.dispatch.cloud.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.auth.TokenRefusedException.Reason;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import energy.dispatch.testing.InteropPeers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens minted by the real djangorestframework-simplejwt (Debian's python3-django and
 * python3-djangorestframework-simplejwt) are verified by the cloud. Python is
 * {@code DISPATCH_TEST_PYTHON} when set, else {@code /usr/bin/python3}, else {@code python3}.
 * Skipped with the reason when Python or the packages are missing, except under {@code CI=true},
 * where it must run.
 */
class SimplejwtInteropTest {

  private static final Path SCRIPT = Path.of("src/test/python/mint_simplejwt_tokens.py");
  private static final String SECRET = "django-shared-secret-django-shared-secret";
  private static final Clock CLOCK = Clock.systemUTC();

  private static String python;
  private static String missing;

  @BeforeAll
  static void findPythonWithSimplejwt() throws InterruptedException {
    // Debian installs its packages for /usr/bin/python3, which a pyenv or venv python3 on PATH does not see.
    String configured = System.getenv("DISPATCH_TEST_PYTHON");
    python = configured != null && !configured.isBlank() ? configured
        : Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    missing = probe();
  }

  @BeforeEach
  void requirePythonWithSimplejwt() {
    InteropPeers.require(missing,
        "apt-get install -y python3-django python3-djangorestframework-simplejwt python3-cryptography");
  }

  private static String probe() throws InterruptedException {
    try {
      Process process = new ProcessBuilder(python, "-c", "import django, rest_framework_simplejwt, cryptography")
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return python + " did not answer within 60 s";
      }
      List<String> lines = output.strip().lines().toList();
      String lastLine = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
      return process.exitValue() == 0 ? null : python + " cannot import Django or simplejwt (" + lastLine + ")";
    } catch (IOException e) {
      return python + " cannot be run: " + e.getMessage();
    }
  }

  @Test
  void accepts_hs256_access_tokens_of_simplejwt_and_refuses_its_refresh_tokens() throws Exception {
    JsonNode tokens = mint(List.of("HS256", "42"), SECRET);
    JwtVerifier verifier = JwtVerifier.hs256(SECRET, CLOCK);

    VerifiedToken verified = verifier.verify(tokens.path("access").asText());

    assertThat(verified.principal()).isEqualTo("user:42");
    assertThat(verified.userId()).isEqualTo("42");
    assertRefusedAsRefresh(verifier, tokens.path("refresh").asText());
  }

  @Test
  void accepts_a_string_user_id_as_simplejwt_writes_a_uuid_primary_key() throws Exception {
    String uuid = "4c1d7e0a-9b7f-4f0e-8a53-2f1c7b9d0e11";
    JsonNode tokens = mint(List.of("HS256", uuid), SECRET);

    assertThat(JwtVerifier.hs256(SECRET, CLOCK).verify(tokens.path("access").asText()).principal())
        .isEqualTo("user:" + uuid);
  }

  @Test
  void accepts_rs256_access_tokens_of_simplejwt_with_issuer_and_audience(@TempDir Path dir) throws Exception {
    KeyPair keyPair = TestTokens.rsaKeyPair();
    Path publicKeyFile = Files.writeString(dir.resolve("verifying-key.pem"), PemKeys.toPem(keyPair.getPublic()));
    JsonNode tokens = mint(List.of("RS256", "7", "https://auth.example", "dispatch"), privateKeyPem(keyPair));
    JwtVerifier verifier = JwtVerifier.fromSettings(CloudSettings.builder()
        .database("jdbc:postgresql://127.0.0.1/unused", null, null).redisUrl("redis://127.0.0.1:6379")
        .jwtAlgorithms(Set.of("RS256")).jwtPublicKeyFile(publicKeyFile)
        .jwtIssuer("https://auth.example").jwtAudience("dispatch").build(), CLOCK);

    VerifiedToken verified = verifier.verify(tokens.path("access").asText());

    assertThat(verified.principal()).isEqualTo("user:7");
    assertRefusedAsRefresh(verifier, tokens.path("refresh").asText());
    assertThatThrownBy(() -> JwtVerifier.hs256(SECRET, CLOCK).verify(tokens.path("access").asText()))
        .isInstanceOfSatisfying(TokenRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_ALGORITHM));
  }

  @Test
  void on_rest_a_simplejwt_access_token_is_served_and_its_refresh_token_is_one_audit_row() throws Exception {
    JsonNode tokens = mint(List.of("HS256", "42"), SECRET);
    String refresh = tokens.path("refresh").asText();
    try (TestBroker broker = TestBroker.start();
        CloudFixture cloud = CloudFixture.start(broker, settings -> settings.jwtSecret(SECRET))) {

      assertThat(cloud.call("GET", "/api/v1/edges", tokens.path("access").asText(), null).statusCode())
          .isEqualTo(200);
      assertThat(cloud.call("GET", "/api/v1/edges", refresh, null).statusCode()).isEqualTo(401);

      await().until(() -> auditedRefusals(cloud).size() == 1);
      assertThat(auditedRefusals(cloud)).containsExactly("rest refresh_token 42 1");
      String signature = refresh.substring(refresh.lastIndexOf('.') + 1);
      String rowText = cloud.database().withHandle(h -> h.createQuery("SELECT t::text FROM token_refusals t")
          .mapTo(String.class).one());
      assertThat(rowText).doesNotContain(signature);
    }
  }

  /** Each row of token_refusals as "entry_point reason claimed_user_id attempts". */
  private static List<String> auditedRefusals(CloudFixture cloud) {
    return cloud.database().withHandle(h -> h.createQuery(
            "SELECT concat_ws(' ', entry_point, reason, claimed_user_id, attempts) FROM token_refusals")
        .mapTo(String.class).list());
  }

  private static void assertRefusedAsRefresh(JwtVerifier verifier, String refreshToken) {
    assertThatThrownBy(() -> verifier.verify(refreshToken))
        .isInstanceOfSatisfying(TokenRefusedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.REFRESH_TOKEN));
  }

  /** Runs the minting script with the signing key on its standard input; returns its {access, refresh}. */
  private static JsonNode mint(List<String> arguments, String signingKey) throws Exception {
    List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString()));
    command.addAll(arguments);
    Path errors = Files.createTempFile("simplejwt-", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(signingKey.getBytes(StandardCharsets.UTF_8));
      }
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("the simplejwt minting script did not finish within 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("the simplejwt minting script failed (exit " + process.exitValue() + "): "
            + Files.readString(errors));
      }
      return Json.mapper().readTree(output);
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  private static String privateKeyPem(KeyPair keyPair) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(keyPair.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }
}
