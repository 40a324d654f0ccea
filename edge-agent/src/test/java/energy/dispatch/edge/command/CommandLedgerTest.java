package energy.dispatch.edge.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.journal.NewEvent;
import energy.dispatch.edge.journal.PendingAck;
import energy.dispatch.edge.testing.FakeClock;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A result journaled inside a transaction that another part opens, e.g. with the events it raises. */
class CommandLedgerTest {

  @TempDir
  Path directory;

  private final FakeClock clock = FakeClock.at("2026-02-15T14:30:00Z");
  private final List<PendingAck> sent = new CopyOnWriteArrayList<>();
  private Journal journal;
  private CommandLedger ledger;

  @BeforeEach
  void open() {
    journal = Journal.open(directory.resolve("journal.db"));
    ledger = new CommandLedger(journal, sent::add, clock);
    ledger.delivered("c1", "{}");
  }

  @AfterEach
  void close() {
    journal.close();
  }

  @Test
  void a_result_in_another_transaction_is_sent_once_that_transaction_committed() {
    List<NewEvent> raised = List.of(new NewEvent("hold_released", "{}", clock.instant()));

    ledger.result(Ack.executed("c1", clock.instant()), changes -> changes.removeHold("bms_main/SetActivePower"),
        body -> journal.recordEvents(raised, body));

    assertThat(journal.find("c1").orElseThrow().result()).map(Ack::status).contains(AckStatus.EXECUTED);
    assertThat(journal.unsentEvents()).hasSize(1);
    assertThat(sent).extracting(PendingAck::payload).last().asString().contains("\"status\":\"executed\"");
  }

  @Test
  void a_transaction_that_does_not_journal_the_result_fails_and_nothing_is_sent() {
    int sentBefore = sent.size();

    assertThatThrownBy(() -> ledger.result(Ack.executed("c1", clock.instant()), changes -> {}, body -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("commandId=c1", "was not journaled");

    assertThat(sent).hasSize(sentBefore);
    assertThat(journal.find("c1").orElseThrow().finished()).isFalse();
  }
}
