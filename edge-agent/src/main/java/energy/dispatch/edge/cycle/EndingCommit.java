package energy.dispatch.edge.cycle;

import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateEvents;
import energy.dispatch.schema.Ack;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How a command that ends a hold or an override in force (releases or replaces it) commits: its
 * result, the state it journals and the event that ends the earlier one in one journal transaction,
 * then memory. When the event cannot be journaled, nothing commits, memory stays as it was and the
 * journal's exception reaches the cycle, which acks the command {@code failed}.
 */
final class EndingCommit {

  private final CommandLedger ledger;
  private final StateEvents events;

  EndingCommit(CommandLedger ledger, StateEvents events) {
    this.ledger = ledger;
    this.events = events;
  }

  /**
   * @param ended the event of the hold or override this command ends, empty when none was in force
   * @param journaled the state the command leaves, in the journal
   * @param inMemory the same state in memory, run only once the transaction committed
   */
  void commit(Ack result, Optional<StateEvent> ended, Consumer<Journal.Changes> journaled, Runnable inMemory) {
    ledger.result(result, journaled, body -> events.report(ended.stream().toList(), body));
    inMemory.run();
  }
}
