package energy.dispatch.edge.command;

import energy.dispatch.edge.journal.Journal;
import energy.dispatch.schema.Ack;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each step of a command in the journal and then hands its ack to the sender, so that no
 * ack leaves the edge before the state it reports is durable. Thread-safe (the journal serialises).
 */
public final class CommandLedger {

  private static final Logger EVENTS = LoggerFactory.getLogger("energy.dispatch.edge.events");

  private final Journal journal;
  private final AckSender sender;
  private final Clock clock;

  public CommandLedger(Journal journal, AckSender sender, Clock clock) {
    this.journal = journal;
    this.sender = sender;
    this.clock = clock;
  }

  public Journal journal() {
    return journal;
  }

  /**
   * A command accepted for execution: journaled, then {@code delivered} sent.
   *
   * @return its place in arrival order, shared with commands recovered from the journal
   */
  public long delivered(String commandId, String payload) {
    Journal.Received received = journal.recordReceived(commandId, payload, clock.instant(), Ack.delivered(commandId));
    sender.send(received.ack());
    EVENTS.info("Command delivered commandId={}", commandId);
    return received.commandSeq();
  }

  /** A command answered without execution (rejected, expired, queue full). */
  public void answered(String commandId, String payload, Ack result) {
    sender.send(journal.recordAnswered(commandId, payload, clock.instant(), result));
    logResult(result);
  }

  /** Before a device write: the journal must show the intent before the write can happen. */
  public void intent(String commandId, double value) {
    journal.recordIntent(commandId, value, clock.instant());
  }

  /** Before an action without a device value (restart, config fetch). */
  public void intent(String commandId) {
    journal.recordIntent(commandId, clock.instant());
  }

  /** The result, with the state it changes in the same transaction. */
  public void result(Ack result, Consumer<Journal.Changes> alongside) {
    sender.send(journal.recordResult(result.commandId(), result, clock.instant(), alongside));
    logResult(result);
  }

  public void result(Ack result) {
    result(result, changes -> {});
  }

  /** Sends an ack again, e.g. the recorded result of a redelivered command. */
  public void resend(Ack ack) {
    sender.send(journal.recordAck(ack));
  }

  private static void logResult(Ack result) {
    if (result.error() == null) {
      EVENTS.info("Command {} commandId={}", result.status().wire(), result.commandId());
    } else {
      EVENTS.info("Command {} commandId={} code={} reason={}", result.status().wire(), result.commandId(),
          result.error().code(), result.error().message());
    }
  }
}
