package energy.dispatch.cloud.audit;

import static energy.dispatch.cloud.support.CloudFixture.EDGE;
import static energy.dispatch.cloud.support.CloudFixture.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestEdge;
import energy.dispatch.schema.Json;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events an edge reports (an override that reverted, a hold that ended, a device that stopped
 * answering) become audit rows, once each.
 */
class EdgeEventsTest {

  private static final Duration RECORDED = Duration.ofSeconds(15);
  private static TestBroker broker;
  private CloudFixture fixture;
  private TestEdge edge;

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
    edge = fixture.connectEdge(EDGE, TestEdge.Answer.EXECUTE);
    await().atMost(RECORDED).until(() -> edgeOnline(EDGE));
  }

  @AfterEach
  void stopCloud() {
    fixture.close();
  }

  @Test
  void a_reverted_override_is_recorded_once_however_often_the_edge_sends_it() {
    ObjectNode reverted = event("ev-revert-1", "override_reverted").put("controller", "minsoc")
        .put("parameter", "MinSoc").put("restored", 10);

    edge.reportEvent(reverted).join();
    edge.reportEvent(reverted).join();
    edge.reportEvent(event("ev-hold-2", "hold_ended").put("channel", "bms_main/SetActivePower")).join();

    JsonNode events = await().atMost(RECORDED).until(() -> events(EDGE), found -> found.size() == 2);
    assertThat(events).extracting(e -> e.path("event_id").asText()).containsExactlyInAnyOrder("ev-revert-1", "ev-hold-2");
    JsonNode revert = events.findParents("event_id").stream()
        .filter(e -> e.path("event_id").asText().equals("ev-revert-1")).findFirst().orElseThrow();
    assertThat(revert.path("type").asText()).isEqualTo("override_reverted");
    assertThat(revert.path("detail").path("restored").asInt()).isEqualTo(10);
    assertThat(revert.path("raised_at").asText()).isNotEmpty();
    assertThat(rows("ev-revert-1")).isEqualTo(1);
  }

  @Test
  void a_device_that_stopped_and_started_answering_is_recorded_with_its_device_and_reason() {
    edge.reportEvent(event("ev-down", "device_unreachable").put("device_id", "bms_main")
        .put("reason", "device bms_main at 10.0.0.11:502 is not connected")).join();
    edge.reportEvent(event("ev-up", "device_reachable").put("device_id", "bms_main")
        .put("unreachable_since", "2026-02-15T14:29:40Z")).join();

    JsonNode events = await().atMost(RECORDED).until(() -> events(EDGE), found -> found.size() == 2);
    assertThat(events).extracting(e -> e.path("type").asText())
        .containsExactlyInAnyOrder("device_unreachable", "device_reachable");
    assertThat(events).filteredOn(e -> e.path("type").asText().equals("device_unreachable")).singleElement()
        .satisfies(down -> assertThat(down.path("detail").path("reason").asText()).contains("10.0.0.11:502"));
  }

  @Test
  void a_session_taken_over_at_the_edge_is_recorded_with_its_type_and_back_off() {
    edge.reportEvent(event("ev-takeover", "session_taken_over").put("backoff_sec", 62)).join();

    JsonNode events = await().atMost(RECORDED).until(() -> events(EDGE), found -> found.size() == 1);
    assertThat(events.get(0).path("type").asText()).isEqualTo("session_taken_over");
    assertThat(events.get(0).path("detail").path("backoff_sec").asInt()).isEqualTo(62);
  }

  @Test
  void an_event_without_a_usable_id_is_dropped_and_the_next_one_is_still_recorded() {
    edge.reportEvent(Json.mapper().createObjectNode().put("type", "hold_ended")).join();
    edge.reportEvent(event("x".repeat(65), "hold_ended")).join();
    edge.reportEvent(event("ev-after-bad", "hold_ended")).join();

    await().atMost(RECORDED).until(() -> events(EDGE).size() == 1);
    assertThat(events(EDGE).get(0).path("event_id").asText()).isEqualTo("ev-after-bad");
  }

  @Test
  void an_event_forwarded_after_the_edge_went_offline_does_not_bring_it_back_online() {
    edge.reportOnline(false);
    await().atMost(RECORDED).until(() -> !edgeOnline(EDGE));

    edge.reportEvent(event("ev-late", "config_applied")).join();

    await().atMost(RECORDED).until(() -> rows("ev-late") == 1);
    assertThat(edgeOnline(EDGE)).isFalse();
  }

  @Test
  void only_who_may_view_the_edge_reads_its_events() {
    assertThat(fixture.call("GET", "/api/v1/edges/" + EDGE + "/events", fixture.token("999"), null).statusCode())
        .isEqualTo(403);
    assertThat(fixture.call("GET", "/api/v1/edges/" + EDGE + "/events?limit=0", fixture.token(OPERATOR), null)
        .statusCode()).isEqualTo(400);
  }

  private static ObjectNode event(String eventId, String type) {
    return Json.mapper().createObjectNode().put("event_id", eventId).put("type", type);
  }

  private JsonNode events(String edgeId) {
    var response = fixture.call("GET", "/api/v1/edges/" + edgeId + "/events", fixture.token(OPERATOR), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return CloudFixture.json(response.body()).path("events");
  }

  private boolean edgeOnline(String edgeId) {
    JsonNode edges = CloudFixture.json(fixture.call("GET", "/api/v1/edges", fixture.token(OPERATOR), null).body());
    for (JsonNode listed : edges.path("edges")) {
      if (listed.path("edge_id").asText().equals(edgeId)) {
        return listed.path("online").asBoolean();
      }
    }
    return false;
  }

  private int rows(String eventId) {
    return fixture.database().withHandle(h -> h.createQuery("SELECT count(*) FROM edge_events WHERE event_id = :id")
        .bind("id", eventId).mapTo(Integer.class).one());
  }
}
