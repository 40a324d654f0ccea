package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No token and no secret in any log. The test first drives the system through the paths that
 * handle secrets (edge registration and rotation, good and bad tokens, refusals), then reads every
 * log written in this build: its own, and those of every other test, including this module's
 * process-level tests under {@code target/fault-logs}. It runs last: in the integration-test phase
 * of this module, which the reactor builds last (see this module's pom).
 */
class LogHygieneTest {

  /** A JWT: three base64url parts, the first two JSON objects ({"...} encodes as eyJ...). */
  static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]+");
  /** A secret of CredentialHash: exactly 43 base64url characters. */
  static final Pattern SECRET = Pattern.compile("(?<![A-Za-z0-9_+/-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_+/=-])");

  @TempDir
  Path folder;

  @Test
  void no_log_of_the_build_contains_a_token_or_a_secret() throws Exception {
    List<String> known = exerciseSecretPaths();

    List<String> leaks = new ArrayList<>();
    for (Path log : logsOfTheBuild()) {
      String text = Files.readString(log, StandardCharsets.ISO_8859_1);
      known.stream().filter(text::contains)
          .forEach(secret -> leaks.add(log + ": the known secret or token " + abbreviate(secret)));
      findAll(JWT, text).forEach(token -> leaks.add(log + ": token-shaped " + abbreviate(token)));
      findAll(SECRET, text).stream().filter(LogHygieneTest::looksRandom)
          .forEach(secret -> leaks.add(log + ": secret-shaped " + abbreviate(secret)));
    }

    assertThat(leaks).isEmpty();
  }

  @Test
  void the_scan_recognises_real_tokens_and_secrets_in_a_log_line() {
    String secret = CredentialHash.newSecret();
    String token = energy.dispatch.cloud.auth.DevTokens.create(true, CredentialHash.newSecret(),
        java.time.Clock.systemUTC()).mint("456", Duration.ofMinutes(1));
    String line = "12:00:00.000 INFO [main] x - edge secret=" + secret + " header Bearer " + token + " done";

    assertThat(findAll(JWT, line)).containsExactly(token);
    assertThat(findAll(SECRET, line)).filteredOn(LogHygieneTest::looksRandom).contains(secret);
  }

  private List<String> exerciseSecretPaths() {
    TestPostgres.Database database = TestPostgres.freshDatabase();
    String jwtSecret = CredentialHash.newSecret();
    CloudSettings settings = TestSystems.settings(database, jwtSecret).build();
    // The test database's password is the well-known 'postgres' of a throwaway server, not a secret.
    List<String> known = new ArrayList<>(List.of(jwtSecret));
    try (LocalSystem system = TestSystems.start(settings, folder, List.of("site1_edge_prod"))) {
      known.add(system.cloudMqttSecret());
      known.add(system.registerBareEdge("site5_edge_hygiene"));
      known.add(system.registerBareEdge("site5_edge_hygiene"));
      String token = system.operatorToken(Duration.ofMinutes(5));
      known.add(token);
      try (DispatchSocket socket = DispatchSocket.open(URI.create(system.cloud().webSocketUrl()))) {
        socket.send(Json.mapper().createObjectNode().put("type", "auth").put("token", token + "tampered").toString());
        socket.next(Duration.ofSeconds(30));
        socket.authenticate(token);
        ObjectNode forbidden = SeedCommandEndToEndTest.seedWithId("cmd_hygiene");
        ((ObjectNode) forbidden.get("target")).put("edge_id", "site5_edge_hygiene");
        socket.send(forbidden.toString());
        socket.nextMatching(m -> "cmd_hygiene".equals(m.path("command_id").asText()), Duration.ofSeconds(30));
      }
    }
    return known;
  }

  private static List<Path> logsOfTheBuild() throws IOException {
    List<Path> logs = new ArrayList<>();
    try (Stream<Path> modules = Files.list(Path.of(".."))) {
      for (Path target : modules.map(module -> module.resolve("target")).filter(Files::isDirectory).toList()) {
        try (Stream<Path> files = Files.walk(target)) {
          files.filter(Files::isRegularFile).filter(LogHygieneTest::isLog).forEach(logs::add);
        }
      }
    }
    return logs;
  }

  private static boolean isLog(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".log") || name.endsWith("-output.txt") || name.endsWith(".out") || name.endsWith(".err");
  }

  private static List<String> findAll(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group());
    }
    return found;
  }

  /** Words and identifiers of 43 characters exist; a secret mixes cases and digits. */
  private static boolean looksRandom(String candidate) {
    return candidate.chars().anyMatch(Character::isDigit)
        && candidate.chars().anyMatch(Character::isUpperCase)
        && candidate.chars().anyMatch(Character::isLowerCase);
  }

  private static String abbreviate(String secret) {
    return secret.substring(0, 6) + "…(" + secret.length() + " chars)";
  }

}
