package energy.dispatch.cloud.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestSettings;
import energy.dispatch.cloud.support.TestSocket;
import energy.dispatch.schema.Json;
import io.jsonwebtoken.JwtBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every refused access token, at every entry point that verifies one, is one row of
 * {@code token_refusals} with its reason, its remote address, a principal only where one was
 * already proven, and no part of the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenRefusalRowsTest {

  private static final String ISSUER = "https://auth.example";
  private static final String AUDIENCE = "dispatch";

  private TestBroker broker;
  private CloudFixture fixture;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker, settings -> settings.jwtIssuer(ISSUER).jwtAudience(AUDIENCE));
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  /** A valid access token of this cloud's issuer and audience, to be spoiled by the caller. */
  private static JwtBuilder access(Object userId) {
    Instant now = Instant.now();
    return TestTokens.access(userId).issuer(ISSUER).audience().add(AUDIENCE).and()
        .issuedAt(Date.from(now.minusSeconds(60))).expiration(Date.from(now.plusSeconds(600)));
  }

  private static String signed(JwtBuilder token) {
    return token.signWith(TestTokens.hmac(TestSettings.JWT_SECRET)).compact();
  }

  private static String tokenOf(String kind) {
    Instant now = Instant.now();
    return switch (kind) {
      case "expired" -> signed(access(456).expiration(Date.from(now.minusSeconds(120))));
      case "not_yet_valid" -> signed(access(456).notBefore(Date.from(now.plusSeconds(3_600))));
      case "bad_signature" -> access(456).signWith(TestTokens.hmac(TestTokens.OTHER_SECRET)).compact();
      case "unsigned" -> TestTokens.unsigned();
      case "refresh_token" -> signed(access(456).claim("token_type", "refresh"));
      case "wrong_issuer" -> signed(access(456).issuer("https://elsewhere.example"));
      case "wrong_audience" -> signed(TestTokens.access(456).issuer(ISSUER).audience().add("billing").and()
          .issuedAt(Date.from(now.minusSeconds(60))).expiration(Date.from(now.plusSeconds(600))));
      case "malformed" -> "not.a.token";
      case "wrong_token_type" -> signed(access(456).claim("token_type", "id"));
      case "missing_claim" -> signed(access(456).claim("user_id", null));
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(nullValues = "null", value = {"expired, 456", "not_yet_valid, 456", "bad_signature, null",
      "unsigned, null", "refresh_token, 456", "wrong_issuer, 456", "wrong_audience, 456", "malformed, null",
      "wrong_token_type, 456", "missing_claim, null"})
  void a_token_refused_on_rest_is_one_row_with_its_reason_and_no_token_text(String reason, String claimedUserId) {
    String token = tokenOf(reason);

    assertThat(fixture.call("GET", "/api/v1/edges", token, null).statusCode()).isEqualTo(401);

    Map<String, Object> row = awaitOneRow("rest", reason);
    assertThat(row).containsEntry("remote_address", "127.0.0.1").containsEntry("principal", null)
        .containsEntry("claimed_user_id", claimedUserId).containsEntry("attempts", 1).containsEntry("folded", false);
    assertNoPartOf(token);
  }

  @Test
  void a_request_without_a_token_is_one_row_of_reason_missing() {
    assertThat(fixture.call("GET", "/api/v1/commands", null, null).statusCode()).isEqualTo(401);

    assertThat(awaitOneRow("rest", "missing")).containsEntry("claimed_user_id", null);
  }

  @Test
  void a_token_refused_in_the_first_auth_message_is_one_row_without_principal() {
    String token = signed(access(321).expiration(Date.from(Instant.now().minusSeconds(300))));
    TestSocket socket = fixture.rawSocket();

    socket.send(auth(token));
    socket.await(m -> m.path("type").asText().equals("error"));

    assertThat(awaitOneRow("ws_auth_message", "expired")).containsEntry("principal", null)
        .containsEntry("claimed_user_id", "321").containsEntry("remote_address", "127.0.0.1");
    assertNoPartOf(token);
  }

  @Test
  void a_token_refused_in_the_upgrade_header_is_one_row() {
    String token = access(456).signWith(TestTokens.hmac(TestTokens.OTHER_SECRET)).compact();
    TestSocket socket = fixture.track(TestSocket.openWithHeader(fixture.cloud().webSocketUrl(), token));

    socket.await(m -> m.path("type").asText().equals("error"));

    assertThat(awaitOneRow("ws_header", "bad_signature")).containsEntry("claimed_user_id", null);
    assertNoPartOf(token);
  }

  @Test
  void a_refused_renewal_records_the_principal_the_socket_already_proved() {
    TestSocket socket = fixture.track(TestSocket.authenticated(fixture.cloud().webSocketUrl(), signed(access(456))));
    String refresh = signed(access(456).claim("token_type", "refresh"));

    socket.send(auth(refresh));
    socket.await(m -> m.path("type").asText().equals("error"));

    assertThat(awaitOneRow("ws_renewal", "refresh_token")).containsEntry("principal", "user:456")
        .containsEntry("claimed_user_id", "456");
    assertNoPartOf(refresh);
  }

  @Test
  void a_renewal_with_another_users_token_is_one_row_naming_both() {
    TestSocket socket = fixture.track(TestSocket.authenticated(fixture.cloud().webSocketUrl(), signed(access(777))));

    socket.send(auth(signed(access(778))));

    assertThat(socket.await(m -> m.path("type").asText().equals("error")).path("error").path("code").asText())
        .isEqualTo("forbidden");
    assertThat(awaitOneRow("ws_renewal", "other_user")).containsEntry("principal", "user:777")
        .containsEntry("claimed_user_id", "778");
  }

  @Test
  void a_flood_of_bad_tokens_from_one_address_is_counted_in_a_row_per_window() {
    String token = "eyJhbGciOiJIUzUxMiJ9.e30.c2ln"; // HS512, which this cloud does not accept
    int attempts = 200;
    Instant started = Instant.now();

    for (int i = 0; i < attempts; i++) {
      assertThat(fixture.call("GET", "/api/v1/edges", token, null).statusCode()).isEqualTo(401);
    }
    long windows = Duration.between(started, Instant.now()).toSeconds() + 2;

    await().until(() -> attemptsOf("rest", "wrong_algorithm") == attempts);
    assertThat(rows("rest", "wrong_algorithm")).hasSizeLessThanOrEqualTo((int) windows);
  }

  private Map<String, Object> awaitOneRow(String entryPoint, String reason) {
    await().until(() -> !rows(entryPoint, reason).isEmpty());
    List<Map<String, Object>> rows = rows(entryPoint, reason);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private List<Map<String, Object>> rows(String entryPoint, String reason) {
    return fixture.database().withHandle(h -> h.createQuery("""
            SELECT remote_address, principal, claimed_user_id, attempts, folded FROM token_refusals
            WHERE entry_point = :entryPoint AND reason = :reason""")
        .bind("entryPoint", entryPoint).bind("reason", reason).mapToMap().list());
  }

  private long attemptsOf(String entryPoint, String reason) {
    return rows(entryPoint, reason).stream().mapToLong(row -> ((Number) row.get("attempts")).longValue()).sum();
  }

  /** No column of any row holds the token's signature, payload or the token. */
  private void assertNoPartOf(String token) {
    List<String> rowsAsText = fixture.database().withHandle(h -> h.createQuery(
        "SELECT t::text FROM token_refusals t").mapTo(String.class).list());
    for (String part : token.split("\\.")) {
      if (part.length() >= 8) {
        assertThat(rowsAsText).noneMatch(row -> row.contains(part));
      }
    }
  }

  private static String auth(String token) {
    return Json.mapper().createObjectNode().put("type", "auth").put("token", token).toString();
  }
}
