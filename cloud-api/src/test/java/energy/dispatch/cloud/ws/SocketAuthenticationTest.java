package energy.dispatch.cloud.ws;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.cloud.support.TestSettings;
import energy.dispatch.cloud.support.TestSocket;
import energy.dispatch.schema.Json;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketAuthenticationTest {

  private static final SecretKey KEY = Keys.hmacShaKeyFor(TestSettings.JWT_SECRET.getBytes(StandardCharsets.UTF_8));
  private TestBroker broker;
  private CloudFixture fixture;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker);
    fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  private static String token(String tokenType, Object userId, Instant expiresAt, SecretKey key) {
    return Jwts.builder().claim("token_type", tokenType).claim("user_id", userId).id("jti-1")
        .issuedAt(Date.from(Instant.now().minusSeconds(60))).expiration(Date.from(expiresAt)).signWith(key).compact();
  }

  private static String unsigned() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"token_type\":\"access\",\"user_id\":456,\"exp\":"
        + Instant.now().plusSeconds(600).getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
    return header + "." + claims + ".";
  }

  private String tokenFor(String kind) {
    Instant later = Instant.now().plusSeconds(600);
    return switch (kind) {
      case "expired" -> token("access", 456, Instant.now().minusSeconds(120), KEY);
      case "badly_signed" -> token("access", 456, later,
          Keys.hmacShaKeyFor("another-secret-another-secret-another-1".getBytes(StandardCharsets.UTF_8)));
      case "refresh" -> token("refresh", 456, later, KEY);
      case "unsigned" -> unsigned();
      case "garbage" -> "not-a-token";
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"expired, token_expired", "badly_signed, token_invalid", "refresh, token_invalid",
      "unsigned, token_invalid", "garbage, token_invalid"})
  void a_bad_token_is_refused_with_its_reason_and_a_good_one_still_works_on_the_same_socket(String kind, String code) {
    TestSocket socket = fixture.rawSocket();

    socket.send(auth(tokenFor(kind)));

    JsonNode error = socket.await(m -> m.path("type").asText().equals("error"));
    assertThat(error.path("error").path("code").asText()).isEqualTo(code);
    String token = tokenFor(kind);
    assertThat(error.toString()).doesNotContain(token.substring(0, Math.min(20, token.length())));
    socket.send(auth(fixture.token(OPERATOR)));
    socket.await(m -> m.path("type").asText().equals("auth_ok"));
    socket.send(seedCommand("after_bad_token_" + kind));
    socket.awaitStatus("after_bad_token_" + kind, "executed");
  }

  @Test
  void a_refresh_token_is_refused_with_a_sentence_that_says_so() {
    TestSocket socket = fixture.rawSocket();

    socket.send(auth(tokenFor("refresh")));

    assertThat(socket.await(m -> m.path("type").asText().equals("error")).path("error").path("message").asText())
        .contains("refresh token");
  }

  @Test
  void a_command_without_authentication_is_refused_unauthenticated() {
    TestSocket socket = fixture.rawSocket();

    socket.send(seedCommand("no_token"));

    assertThat(socket.awaitStatus("no_token", "refused").path("error").path("code").asText())
        .isEqualTo("unauthenticated");
  }

  @Test
  void a_socket_that_never_authenticates_is_closed_with_a_reason() {
    TestSocket socket = fixture.rawSocket();

    String reason = socket.closed().orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(reason).startsWith("1008").contains("no valid access token within 5 s");
  }

  @Test
  void the_authorization_header_authenticates_and_a_user_id_may_be_a_string() {
    fixture.cloud().grant("user:ops-7", EDGE, true, true);
    TestSocket socket = fixture.track(TestSocket.openWithHeader(fixture.cloud().webSocketUrl(),
        token("access", "ops-7", Instant.now().plusSeconds(600), KEY)));

    JsonNode ok = socket.await(m -> m.path("type").asText().equals("auth_ok"));

    assertThat(ok.path("principal").asText()).isEqualTo("user:ops-7");
    socket.send(seedCommand("by_header"));
    socket.awaitStatus("by_header", "executed");
  }

  @Test
  void an_in_band_renewal_must_be_for_the_same_user() {
    TestSocket socket = fixture.socket(OPERATOR);

    socket.send(auth(fixture.token("789")));
    JsonNode refused = socket.await(m -> m.path("type").asText().equals("error"));
    socket.send(auth(fixture.token(OPERATOR)));

    assertThat(refused.path("error").path("code").asText()).isEqualTo("forbidden");
    await().until(() -> socket.messages().stream().filter(m -> m.path("type").asText().equals("auth_ok")).count() == 2);
    socket.send(seedCommand("after_renewal"));
    socket.awaitStatus("after_renewal", "executed");
  }

  @Test
  void the_socket_closes_when_its_token_expires() {
    TestSocket socket = fixture.track(TestSocket.authenticated(fixture.cloud().webSocketUrl(),
        fixture.cloud().mintDevToken(OPERATOR, Duration.ofSeconds(2))));

    String reason = socket.closed().orTimeout(10, TimeUnit.SECONDS).join();

    assertThat(reason).contains("token expired");
  }

  @Test
  void a_renewal_by_the_same_user_keeps_the_socket_open_past_the_first_expiry_and_it_closes_at_the_new_one() {
    TestSocket socket = fixture.track(TestSocket.authenticated(fixture.cloud().webSocketUrl(),
        fixture.cloud().mintDevToken(OPERATOR, Duration.ofSeconds(3))));
    Instant firstExpiry = expiresAt(socket.await(m -> m.path("type").asText().equals("auth_ok")));

    socket.send(auth(fixture.cloud().mintDevToken(OPERATOR, Duration.ofSeconds(10))));
    Instant renewedExpiry = expiresAt(socket.await(m -> m.path("type").asText().equals("auth_ok")
        && !expiresAt(m).equals(firstExpiry)));
    Duration pastFirstExpiry = Duration.between(Instant.now(), firstExpiry.plusSeconds(1));
    await("open past the first token's expiry").during(pastFirstExpiry).atMost(pastFirstExpiry.plusSeconds(1))
        .until(socket::isOpen);
    socket.send(seedCommand("after_first_expiry"));
    socket.awaitStatus("after_first_expiry", "executed");
    String reason = socket.closed().orTimeout(15, TimeUnit.SECONDS).join();
    Instant closedAt = Instant.now();

    assertThat(renewedExpiry).isAfter(firstExpiry.plusSeconds(1));
    assertThat(reason).contains("token expired");
    assertThat(closedAt).isBetween(renewedExpiry, renewedExpiry.plusSeconds(2));
  }

  private static Instant expiresAt(JsonNode authOk) {
    return Instant.parse(authOk.path("expires_at").asText());
  }

  @Test
  void a_revoked_grant_stops_the_next_command_on_an_open_socket() {
    fixture.cloud().grant("user:321", EDGE, true, true);
    TestSocket socket = fixture.socket("321");
    socket.send(seedCommand("before_revoke"));
    socket.awaitStatus("before_revoke", "executed");

    fixture.cloud().grant("user:321", EDGE, true, false);
    socket.send(seedCommand("after_revoke"));

    assertThat(socket.awaitStatus("after_revoke", "refused").path("error").path("code").asText())
        .isEqualTo("forbidden");
  }

  private static String auth(String token) {
    return Json.mapper().createObjectNode().put("type", "auth").put("token", token).toString();
  }
}
