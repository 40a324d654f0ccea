package energy.dispatch.cloud.ws;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static energy.dispatch.cloud.support.CloudFixture.seedCommand;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.cloud.support.TestSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SeedCommandTest {

  private static TestBroker broker;
  private CloudFixture fixture;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void startCloud() {
    fixture = CloudFixture.start(broker);
  }

  @AfterEach
  void stopCloud() {
    fixture.close();
  }

  @Test
  void the_seed_command_is_accepted_sent_and_its_acks_reach_the_socket_and_the_audit() throws Exception {
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    TestSocket socket = fixture.socket(OPERATOR);

    socket.send(seedCommand("cmd_12345"));

    JsonNode accepted = socket.awaitStatus("cmd_12345", "accepted");
    socket.awaitStatus("cmd_12345", "executed");
    assertThat(socket.statusesOf("cmd_12345")).containsExactly("accepted", "sent", "delivered", "executed");
    assertThat(accepted.path("edge_id").asText()).isEqualTo(EDGE);
    Instant expiresAt = Instant.parse(accepted.path("expires_at").asText());
    assertThat(expiresAt).isAfter(Instant.now().plusSeconds(290));
    assertThat(fixture.auditedStatuses("cmd_12345")).containsExactly("accepted", "sent", "delivered", "executed");
  }

  @Test
  void the_edge_receives_the_command_stamped_by_the_cloud_not_retained_and_expiring_with_its_deadline()
      throws Exception {
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    TestSocket socket = fixture.socket(OPERATOR);

    socket.send(seedCommand("cmd_stamped"));

    JsonNode received = edge.nextCommand(Duration.ofSeconds(10));
    assertThat(received.path("command_id").asText()).isEqualTo("cmd_stamped");
    assertThat(received.path("timestamp").asText()).isEqualTo("2026-02-15T14:30:00Z");
    Instant acceptedAt = Instant.parse(received.path("accepted_at").asText());
    Instant expiresAt = Instant.parse(received.path("expires_at").asText());
    assertThat(Duration.between(acceptedAt, expiresAt)).isEqualTo(Duration.ofSeconds(300));
    assertThat(acceptedAt).isAfter(Instant.parse("2026-02-15T14:30:00Z"));
    assertThat(received.path("hold_sec").asInt()).isEqualTo(900);
    assertThat(received.path("_retain").asBoolean()).isFalse();
    assertThat(received.path("_message_expiry").asLong()).isBetween(290L, 300L);
  }

  @Test
  void sending_the_same_command_twice_returns_the_same_command_and_the_edge_gets_it_once() throws Exception {
    TestEdge edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    TestSocket socket = fixture.socket(OPERATOR);
    socket.send(seedCommand("cmd_twice"));
    socket.awaitStatus("cmd_twice", "executed");

    socket.send(seedCommand("cmd_twice").replace("2026-02-15T14:30:00Z", "2026-02-15T14:31:00Z"));

    org.awaitility.Awaitility.await().until(() -> socket.statusesOf("cmd_twice").size() == 5);
    assertThat(socket.statusesOf("cmd_twice")).endsWith("executed", "executed");
    assertThat(edge.nextCommand(Duration.ofSeconds(10)).path("command_id").asText()).isEqualTo("cmd_twice");
    assertThat(edge.nextCommand(Duration.ofMillis(500))).isNull();
    assertThat(fixture.auditedStatuses("cmd_twice")).containsExactly("accepted", "sent", "delivered", "executed");
  }
}
