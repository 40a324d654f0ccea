package energy.dispatch.edge.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What the reporter keeps and publishes, with the journal and the link as plain recorders. */
class StateReporterTest {

  private static final EdgeStatus STATUS = new EdgeStatus(3, Map.of(), List.of(), List.of(), 0, 1.5, 0, 10,
      new CycleLateness(0.2, 1.1, 4.0, 10), Map.of());

  private final List<String> journaled = new CopyOnWriteArrayList<>();
  private final List<JsonNode> published = new CopyOnWriteArrayList<>();
  private final AtomicBoolean linkUp = new AtomicBoolean(true);

  private StateReporter reporter(StateReporter.EventJournal journal) {
    StateReporter reporter = new StateReporter("edge_a", () -> STATUS,
        Clock.fixed(Instant.parse("2026-02-15T14:30:00Z"), ZoneOffset.UTC), journal);
    reporter.attach((topic, payload, retain) -> {
      published.add(read(payload));
      return CompletableFuture.completedFuture(null);
    }, linkUp::get);
    return reporter;
  }

  private static JsonNode read(byte[] payload) {
    try {
      return Json.mapper().readTree(payload);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void an_event_is_journaled_with_the_state_it_was_raised_in_and_not_published_directly() {
    StateReporter reporter = reporter((events, change) -> events.forEach(event -> journaled.add(event.payload())));

    reporter.report(new StateEvent(StateEvent.HOLD_ENDED, Map.of("channel", "bms_main/SetActivePower")));

    assertThat(published).isEmpty();
    JsonNode message = read(journaled.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(message.path("event").path("type").asText()).isEqualTo("hold_ended");
    assertThat(message.path("event").path("event_id").asText()).isNotBlank();
    assertThat(message.path("config_version").asInt()).isEqualTo(3);
    assertThat(message.path("cycle_start_lateness_ms").path("p99").asDouble()).isEqualTo(1.1);
  }

  @Test
  void an_event_the_journal_refuses_is_published_at_once_and_the_cycle_goes_on() {
    StateReporter reporter = reporter((events, change) -> {
      throw new IllegalStateException("disk full");
    });

    reporter.report(new StateEvent(StateEvent.OVERRIDE_REVERTED, Map.of("parameter", "PeakLimit")));

    assertThat(published).singleElement()
        .satisfies(message -> assertThat(message.path("event").path("type").asText()).isEqualTo("override_reverted"));
  }

  @Test
  void an_event_whose_state_change_the_journal_refuses_fails_its_caller_and_is_not_published() {
    StateReporter reporter = reporter((events, change) -> {
      throw new IllegalStateException("disk full");
    });

    assertThatThrownBy(() -> reporter.report(new StateEvent(StateEvent.HOLD_ENDED, Map.of("channel", "bms_main/x")),
        changes -> changes.removeHold("bms_main/x"))).hasMessage("disk full");

    assertThat(published).isEmpty();
  }

  @Test
  void no_snapshot_is_queued_while_the_link_is_down() {
    StateReporter reporter = reporter((events, change) -> events.forEach(event -> journaled.add(event.payload())));
    linkUp.set(false);
    reporter.publishState();
    assertThat(published).isEmpty();

    linkUp.set(true);
    reporter.publishState();
    assertThat(published).singleElement().satisfies(state -> assertThat(state.has("event")).isFalse());
  }
}
