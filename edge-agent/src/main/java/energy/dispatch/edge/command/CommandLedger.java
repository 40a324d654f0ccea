package energy.dispatch.edge.command;

import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.journal.PendingAck;
import energy.dispatch.schema.Ack;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
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

  /**
   * The result, with the state it changes, journaled in the transaction {@code transaction} opens
   * (e.g. the one that journals the events reporting that change); the ack is sent once it commits.
   *
   * @throws IllegalStateException when {@code transaction} returned without journaling the result
   */
  public void result(Ack result, Consumer<Journal.Changes> alongside, Transaction transaction) {
    AtomicReference<PendingAck> journaled = new AtomicReference<>();
    transaction.run(changes -> {
      alongside.accept(changes);
      journaled.set(changes.finish(result.commandId(), result, clock.instant()));
    });
    if (journaled.get() == null) {
      throw new IllegalStateException("the result of commandId=" + result.commandId()
          + " was not journaled by the transaction it was given; nothing is sent");
    }
    sender.send(journaled.get());
    logResult(result);
  }

  /** A journal transaction that someone else opens and commits, running {@code body} inside it. */
  @FunctionalInterface
  public interface Transaction {
    void run(Consumer<Journal.Changes> body);
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
