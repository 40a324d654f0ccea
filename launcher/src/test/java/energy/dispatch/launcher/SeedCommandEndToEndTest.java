package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.simulator.SiteSimulator;
import energy.dispatch.testing.TestPostgres;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first path of the system, every hop on real parts: a WebSocket client sends the seed command;
 * the cloud validates, authorizes, records and publishes it through the embedded HiveMQ with the
 * dispatch extension; the edge agent validates it, writes it over Modbus TCP to the simulated
 * battery in its Core Cycle, reads it back and acks; the status comes back on the socket.
 */
class SeedCommandEndToEndTest {

  static final String SEED = """
      {
        "command_id": "cmd_12345",
        "command_type": "setpoint",
        "target": {"edge_id": "site1_edge_prod", "device_id": "bms_main", "channel": "SetActivePower"},
        "value": 50000,
        "unit": "W",
        "expiry_sec": 300,
        "source": "user_456",
        "timestamp": "2026-02-15T14:30:00Z"
      }""";
  static final Duration STATUS_WAIT = Duration.ofSeconds(30);
  static final int BATTERY_UNIT = 1;
  static final int SET_ACTIVE_POWER_REGISTER = 0;

  @TempDir
  static Path dataFolder;

  static final String JWT_SECRET = CredentialHash.newSecret();

  static TestPostgres.Database database;
  static LocalSystem system;

  @BeforeAll
  static void startSystem() {
    database = TestPostgres.freshDatabase();
    system = TestSystems.start(TestSystems.settings(database, JWT_SECRET).build(), dataFolder,
        List.of("site1_edge_prod"));
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  static DispatchSocket operatorSocket() {
    return DispatchSocket.connect(URI.create(system.cloud().webSocketUrl()), system.operatorToken(Duration.ofHours(1)));
  }

  static List<String> statusesUntilFinal(DispatchSocket socket, String commandId) {
    List<String> statuses = new ArrayList<>();
    while (statuses.isEmpty() || !isFinal(statuses.get(statuses.size() - 1))) {
      JsonNode message = socket.nextMatching(m -> commandId.equals(m.path("command_id").asText()), STATUS_WAIT);
      statuses.add(message.path("status").asText());
    }
    return statuses;
  }

  static boolean isFinal(String status) {
    return List.of("executed", "failed", "rejected", "expired", "superseded", "timeout", "cancelled", "refused")
        .contains(status);
  }

  static SiteSimulator simulator() {
    return system.site("site1_edge_prod").simulator();
  }

  @Test
  void seed_setpoint_charges_the_battery_and_reports_executed_on_the_socket() throws Exception {
    double socBefore = simulator().model().socPercent();
    int writesBefore = simulator().writeCount(BATTERY_UNIT, SET_ACTIVE_POWER_REGISTER);

    try (DispatchSocket socket = operatorSocket()) {
      socket.send(SEED);
      List<String> statuses = statusesUntilFinal(socket, "cmd_12345");

      assertThat(statuses).containsSubsequence("accepted", "sent", "delivered", "executed");
    }
    assertThat(simulator().model().setpointWatts()).isEqualTo(50_000.0);
    assertThat(simulator().writeCount(BATTERY_UNIT, SET_ACTIVE_POWER_REGISTER)).isEqualTo(writesBefore + 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> simulator().model().socPercent() > socBefore);
    assertThat(auditedStatuses("cmd_12345")).containsSubsequence("accepted", "sent", "delivered", "executed");

    resending_the_seed_returns_the_same_command_and_writes_the_battery_once(writesBefore + 1);
  }

  @Test
  void a_min_soc_override_executes_then_reverts_by_itself_and_the_revert_is_audited_in_the_cloud() throws Exception {
    String override = """
        {"command_id": "cmd_minsoc_e2e", "command_type": "config_override",
         "target": {"edge_id": "site1_edge_prod", "controller": "min_soc", "parameter": "MinSoc"},
         "value": 15, "unit": "%", "duration_sec": 2}""";
    try (DispatchSocket socket = operatorSocket()) {
      socket.send(override);
      assertThat(statusesUntilFinal(socket, "cmd_minsoc_e2e")).last().isEqualTo("executed");
    }

    List<String> reverted = await("the revert in the cloud's audit").atMost(STATUS_WAIT).until(
        () -> column("SELECT detail->>'value' FROM edge_events WHERE type = 'override_reverted' "
            + "AND detail->>'command_id' = ?", "cmd_minsoc_e2e"), rows -> !rows.isEmpty());
    assertThat(reverted).containsExactly("10");
  }

  /** Runs after the seed executed, so that the resubmission meets a finished command. */
  void resending_the_seed_returns_the_same_command_and_writes_the_battery_once(int writesAfterFirst) {
    try (DispatchSocket socket = operatorSocket()) {
      socket.send(SEED);
      JsonNode answer = socket.nextMatching(m -> "cmd_12345".equals(m.path("command_id").asText()), STATUS_WAIT);

      assertThat(answer.path("status").asText()).isEqualTo("executed");
    }
    assertThat(simulator().writeCount(BATTERY_UNIT, SET_ACTIVE_POWER_REGISTER)).isEqualTo(writesAfterFirst);
  }

  @ParameterizedTest(name = "{0} is refused with {3}")
  @CsvSource(delimiter = '|', value = {
      "schema violation   | /value                | \"fifty\"           | schema_violation",
      "value out of range | /value                | 500000               | out_of_range",
      "unknown device     | /target/device_id    | \"bms_nope\"        | unknown_device",
      "unknown channel    | /target/channel      | \"NoSuchChannel\"   | unknown_channel",
      "read-only channel  | /target/channel      | \"Soc\"             | channel_not_writable",
  })
  void bad_command_is_refused_with_its_code_and_the_socket_keeps_working(String name, String pointer, String json,
      String code) throws Exception {
    String commandId = "cmd_bad_" + code;
    ObjectNode command = seedWithId(commandId);
    JsonNode replacement = Json.mapper().readTree(json);
    JsonPointer at = JsonPointer.compile(pointer);
    ((ObjectNode) command.at(at.head())).set(at.last().getMatchingProperty(), replacement);

    try (DispatchSocket socket = operatorSocket()) {
      socket.send(command.toString());
      JsonNode refusal = socket.nextMatching(m -> commandId.equals(m.path("command_id").asText()), STATUS_WAIT);
      socket.send(Json.mapper().createObjectNode().put("type", "open_commands").toString());

      assertThat(refusal.path("status").asText()).isEqualTo("refused");
      assertThat(refusal.path("error").path("code").asText()).isEqualTo(code);
      assertThat(refusal.path("error").path("message").asText()).isNotBlank();
      assertThat(socket.closed()).isNotDone();
    }
    assertThat(refusalCodes(commandId)).containsExactly(code);
    assertThat(auditedStatuses(commandId)).isEmpty();
  }

  @Test
  void unknown_edge_is_named_only_to_a_principal_whose_grants_cover_it() throws Exception {
    system.cloud().grant("user:900", "*", true, true);
    ObjectNode toNowhere = seedWithId("cmd_to_nowhere");
    ((ObjectNode) toNowhere.get("target")).put("edge_id", "site9_edge_nope");

    assertThat(refusalCodeFor(toNowhere, system.cloud().mintDevToken("900", Duration.ofMinutes(5))))
        .isEqualTo("unknown_edge");
    toNowhere.put("command_id", "cmd_to_nowhere_2");
    assertThat(refusalCodeFor(toNowhere, system.operatorToken(Duration.ofMinutes(5))))
        .as("an operator without a grant covering the edge learns nothing of its existence")
        .isEqualTo("forbidden");
  }

  static String refusalCodeFor(ObjectNode command, String token) {
    String commandId = command.path("command_id").asText();
    try (DispatchSocket socket = DispatchSocket.connect(URI.create(system.cloud().webSocketUrl()), token)) {
      socket.send(command.toString());
      JsonNode refusal = socket.nextMatching(m -> commandId.equals(m.path("command_id").asText()), STATUS_WAIT);
      assertThat(refusal.path("status").asText()).isEqualTo("refused");
      return refusal.path("error").path("code").asText();
    }
  }

  static String token(String secret, String tokenType, Instant issuedAt, Instant expiresAt) {
    return Jwts.builder()
        .claim("token_type", tokenType)
        .claim("user_id", 456)
        .id(UUID.randomUUID().toString())
        .issuedAt(Date.from(issuedAt))
        .expiration(Date.from(expiresAt))
        .signWith(Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8)), Jwts.SIG.HS256)
        .compact();
  }

  static Stream<Arguments> badTokens() {
    Instant now = Instant.now();
    return Stream.of(
        Arguments.of("expired", token(JWT_SECRET, "access", now.minusSeconds(7200), now.minusSeconds(3600)),
            "token_expired"),
        Arguments.of("badly signed", token(CredentialHash.newSecret(), "access", now, now.plusSeconds(600)),
            "token_invalid"),
        Arguments.of("refresh", token(JWT_SECRET, "refresh", now, now.plusSeconds(600)), "token_invalid"),
        Arguments.of("not a token", "not-a-jwt", "token_invalid"));
  }

  @ParameterizedTest(name = "{0} token is refused with {2} and the socket still accepts a good one")
  @MethodSource("badTokens")
  void bad_token_is_refused_and_the_socket_keeps_working(String name, String badToken, String code) {
    try (DispatchSocket socket = DispatchSocket.open(URI.create(system.cloud().webSocketUrl()))) {
      socket.send(Json.mapper().createObjectNode().put("type", "auth").put("token", badToken).toString());
      JsonNode refusal = socket.next(STATUS_WAIT);

      assertThat(refusal.path("error").path("code").asText()).isEqualTo(code);
      assertThat(refusal.toString()).doesNotContain(badToken);
      assertThat(socket.authenticate(system.operatorToken(Duration.ofMinutes(5))).path("principal").asText())
          .isEqualTo("user:456");
    }
  }

  @Test
  void command_before_authentication_is_refused_and_the_socket_closed_after_a_few_seconds() {
    try (DispatchSocket socket = DispatchSocket.open(URI.create(system.cloud().webSocketUrl()))) {
      socket.send(seedWithId("cmd_unauthenticated").toString());
      JsonNode refusal = socket.next(STATUS_WAIT);

      assertThat(refusal.path("error").path("code").asText()).isEqualTo("unauthenticated");
      assertThat(socket.closed()).succeedsWithin(Duration.ofSeconds(15));
    }
  }

  @Test
  void user_without_a_grant_is_refused_forbidden() throws Exception {
    String commandId = "cmd_no_grant";
    try (DispatchSocket socket = DispatchSocket.connect(URI.create(system.cloud().webSocketUrl()),
        system.cloud().mintDevToken("789", Duration.ofMinutes(5)))) {
      socket.send(seedWithId(commandId).toString());
      JsonNode refusal = socket.nextMatching(m -> commandId.equals(m.path("command_id").asText()), STATUS_WAIT);

      assertThat(refusal.path("status").asText()).isEqualTo("refused");
      assertThat(refusal.path("error").path("code").asText()).isEqualTo("forbidden");
    }
    assertThat(refusalCodes(commandId)).containsExactly("forbidden");
  }

  @Test
  void socket_stays_open_and_working_after_a_malformed_message() {
    try (DispatchSocket socket = operatorSocket()) {
      socket.send("{not json");
      JsonNode refusal = socket.next(STATUS_WAIT);
      ObjectNode fresh = seedWithId("cmd_after_malformed");
      fresh.put("value", 1000);
      socket.send(fresh.toString());

      assertThat(refusal.path("status").asText()).isEqualTo("refused");
      assertThat(refusal.path("error").path("code").asText()).isEqualTo("malformed_json");
      assertThat(statusesUntilFinal(socket, "cmd_after_malformed")).last().isEqualTo("executed");
    }
  }

  static ObjectNode seedWithId(String commandId) {
    try {
      ObjectNode command = (ObjectNode) Json.mapper().readTree(SEED);
      command.put("command_id", commandId);
      return command;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> refusalCodes(String commandId) throws Exception {
    return column("SELECT code FROM refusals WHERE command_id = ? ORDER BY at", commandId);
  }

  static List<String> auditedStatuses(String commandId) throws Exception {
    return column("SELECT status FROM command_events WHERE command_id = ? ORDER BY at, event_seq", commandId);
  }

  static List<String> column(String sql, String commandId) throws Exception {
    try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        PreparedStatement query = connection.prepareStatement(sql)) {
      query.setString(1, commandId);
      List<String> statuses = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          statuses.add(rows.getString(1));
        }
      }
      return statuses;
    }
  }
}
