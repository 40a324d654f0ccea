package energy.dispatch.edge.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

  private static final Instant NOW = Instant.parse("2026-02-15T14:30:00Z");

  @TempDir
  Path directory;

  private Path path() {
    return directory.resolve("journal.db");
  }

  @Test
  void a_second_agent_on_the_same_journal_refuses_to_start() {
    try (Journal first = Journal.open(path())) {
      assertThat(first.path()).isEqualTo(path());
      assertThatThrownBy(() -> Journal.open(path()))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("in use by another edge agent")
          .hasMessageContaining("journal.db.lock");
    }
  }

  @Test
  void the_journal_can_be_opened_again_once_closed() {
    Journal.open(path()).close();
    Journal.open(path()).close();
  }

  @Test
  void commands_intents_and_results_survive_a_reopen() {
    try (Journal journal = Journal.open(path())) {
      journal.recordReceived("c1", "{\"command_id\":\"c1\"}", NOW, Ack.delivered("c1"));
      journal.recordIntent("c1", 50_000, NOW);
      journal.recordReceived("c2", "{\"command_id\":\"c2\"}", NOW, Ack.delivered("c2"));
    }
    try (Journal journal = Journal.open(path())) {
      JournalEntry c1 = journal.find("c1").orElseThrow();
      assertThat(c1.interrupted()).isTrue();
      assertThat(c1.intentValue().getAsDouble()).isEqualTo(50_000);
      assertThat(journal.unfinished()).extracting(JournalEntry::commandId).containsExactly("c1", "c2");

      journal.recordResult("c1", Ack.executed("c1", NOW), NOW, changes -> {});
      assertThat(journal.find("c1").orElseThrow().result()).contains(Ack.executed("c1", NOW));
      assertThat(journal.unfinished()).extracting(JournalEntry::commandId).containsExactly("c2");
    }
  }

  @Test
  void unsent_acks_come_back_in_order_until_marked_sent() {
    try (Journal journal = Journal.open(path())) {
      PendingAck delivered = journal.recordReceived("c1", "{}", NOW, Ack.delivered("c1")).ack();
      PendingAck executed = journal.recordResult("c1", Ack.executed("c1", NOW), NOW, changes -> {});
      journal.recordAnswered("c2", "{}", NOW, Ack.of("c2", AckStatus.REJECTED, NOW,
          ErrorDetail.of(ErrorCode.UNKNOWN_DEVICE, "no such device")));
      journal.markAckSent(delivered.seq());

      assertThat(journal.unsentAcks()).extracting(PendingAck::commandId).containsExactly("c1", "c2");
      assertThat(journal.unsentAcks().get(0).seq()).isEqualTo(executed.seq());
    }
  }

  @Test
  void unsent_events_survive_a_restart_in_the_order_raised_until_marked_sent() {
    try (Journal journal = Journal.open(path())) {
      PendingEvent ended = recordEvent(journal, "hold_ended", "{\"n\":1}", NOW);
      recordEvent(journal, "override_reverted", "{\"n\":2}", NOW);
      recordEvent(journal, "config_applied", "{\"n\":3}", NOW);
      journal.markEventSent(ended.seq());
    }
    try (Journal journal = Journal.open(path())) {
      assertThat(journal.unsentEvents()).extracting(PendingEvent::type)
          .containsExactly("override_reverted", "config_applied");
      assertThat(journal.unsentEvents()).extracting(PendingEvent::payload).containsExactly("{\"n\":2}", "{\"n\":3}");
    }
  }

  @Test
  void an_event_and_the_removal_it_reports_commit_together_or_not_at_all() {
    ParameterOverride override = new ParameterOverride("min_soc", "MinSoc", Json.mapper().getNodeFactory().numberNode(15),
        "ov-1", NOW);
    Hold hold = new Hold("bms_main/SetActivePower", "sp-1", 20_000, NOW);
    try (Journal journal = Journal.open(path())) {
      journal.update(changes -> {
        changes.putOverride(override);
        changes.putHold(hold);
      });
      List<NewEvent> reverted = List.of(new NewEvent("override_reverted", "{}", NOW));

      assertThatThrownBy(() -> journal.recordEvents(reverted, changes -> {
        changes.removeOverride("min_soc", "MinSoc");
        changes.removeHold("bms_main/SetActivePower");
        throw new JournalException("disk full");
      })).hasMessage("disk full");
      assertThat(journal.overrides()).containsExactly(override);
      assertThat(journal.holds()).containsExactly(hold);
      assertThat(journal.unsentEvents()).isEmpty();

      journal.recordEvents(reverted, changes -> changes.removeOverride("min_soc", "MinSoc"));
    }
    try (Journal journal = Journal.open(path())) {
      assertThat(journal.overrides()).isEmpty();
      assertThat(journal.unsentEvents()).extracting(PendingEvent::type).containsExactly("override_reverted");
    }
  }

  @Test
  void purge_keeps_every_unsent_event_however_old() {
    try (Journal journal = Journal.open(path())) {
      PendingEvent sentOld = recordEvent(journal, "hold_ended", "{}", NOW.minus(Duration.ofDays(9)));
      recordEvent(journal, "override_reverted", "{}", NOW.minus(Duration.ofDays(9)));
      journal.markEventSent(sentOld.seq());

      journal.purgeFinishedBefore(NOW.minus(Duration.ofDays(8)));

      assertThat(journal.unsentEvents()).extracting(PendingEvent::type).containsExactly("override_reverted");
    }
  }

  @Test
  void holds_overrides_and_controller_settings_are_restorable() {
    Hold hold = new Hold("bms_main/SetActivePower", "c1", 50_000, NOW.plusSeconds(900));
    ParameterOverride override = new ParameterOverride("min_soc", "MinSoc",
        Json.mapper().getNodeFactory().numberNode(15), "c2", NOW.plusSeconds(3600));
    ControllerSetting setting = new ControllerSetting("peak_shaving", Optional.of("on"), Optional.of(true));
    try (Journal journal = Journal.open(path())) {
      journal.update(changes -> {
        changes.putHold(hold);
        changes.putOverride(override);
        changes.putControllerSetting(setting);
      });
    }
    try (Journal journal = Journal.open(path())) {
      assertThat(journal.holds()).containsExactly(hold);
      assertThat(journal.overrides()).containsExactly(override);
      assertThat(journal.controllerSettings()).containsExactly(setting);
    }
  }

  @Test
  void a_result_and_its_state_change_commit_together_or_not_at_all() {
    try (Journal journal = Journal.open(path())) {
      journal.recordReceived("c1", "{}", NOW, Ack.delivered("c1"));
      assertThatThrownBy(() -> journal.recordResult("c1", Ack.executed("c1", NOW), NOW, changes -> {
        changes.putHold(new Hold("bms_main/SetActivePower", "c1", 1, NOW));
        throw new IllegalStateException("power lost");
      })).hasMessage("power lost");

      assertThat(journal.find("c1").orElseThrow().finished()).isFalse();
      assertThat(journal.holds()).isEmpty();
    }
  }

  @Test
  void a_result_its_state_change_and_its_event_commit_together_or_not_at_all() {
    Hold hold = new Hold("bms_main/SetActivePower", "sp-1", 20_000, NOW.plusSeconds(900));
    List<NewEvent> released = List.of(new NewEvent("hold_released", "{}", NOW));
    try (Journal journal = Journal.open(path())) {
      journal.update(changes -> changes.putHold(hold));
      journal.recordReceived("release-1", "{}", NOW, Ack.delivered("release-1"));

      assertThatThrownBy(() -> journal.recordEvents(released, changes -> {
        changes.removeHold("bms_main/SetActivePower");
        changes.finish("release-1", Ack.executed("release-1", NOW), NOW);
        throw new JournalException("disk full");
      })).hasMessage("disk full");
      assertThat(journal.holds()).containsExactly(hold);
      assertThat(journal.find("release-1").orElseThrow().finished()).isFalse();
      assertThat(journal.unsentAcks()).extracting(PendingAck::payload)
          .noneMatch(ack -> ack.contains("\"status\":\"executed\""));
      assertThat(journal.unsentEvents()).isEmpty();

      journal.recordEvents(released, changes -> {
        changes.removeHold("bms_main/SetActivePower");
        changes.finish("release-1", Ack.executed("release-1", NOW), NOW);
      });
    }
    try (Journal journal = Journal.open(path())) {
      assertThat(journal.holds()).isEmpty();
      assertThat(journal.find("release-1").orElseThrow().result()).contains(Ack.executed("release-1", NOW));
      assertThat(journal.unsentAcks()).extracting(PendingAck::payload)
          .anyMatch(ack -> ack.contains("\"status\":\"executed\""));
      assertThat(journal.unsentEvents()).extracting(PendingEvent::type).containsExactly("hold_released");
    }
  }

  @Test
  void purge_keeps_the_dedupe_window_and_everything_unfinished() {
    try (Journal journal = Journal.open(path())) {
      journal.recordAnswered("old", "{}", NOW.minus(Duration.ofDays(9)), Ack.executed("old", NOW));
      journal.recordAnswered("recent", "{}", NOW.minus(Duration.ofDays(1)), Ack.executed("recent", NOW));
      journal.recordReceived("open", "{}", NOW.minus(Duration.ofDays(9)), Ack.delivered("open"));

      journal.purgeFinishedBefore(NOW.minus(Duration.ofDays(8)));

      assertThat(journal.find("old")).isEmpty();
      assertThat(journal.find("recent")).isPresent();
      assertThat(journal.find("open")).isPresent();
    }
  }

  /** Journals one state event for sending, with no state change beside it. */
  private static PendingEvent recordEvent(Journal journal, String type, String payload, Instant at) {
    return journal.recordEvents(List.of(new NewEvent(type, payload, at)), changes -> {}).get(0);
  }
}
