package energy.dispatch.edge.journal;

import energy.dispatch.schema.Ack;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the journal knows about one command: its payload as received, whether its device write
 * was started ({@code intentValue}), and its result once there is one.
 */
public record JournalEntry(
    long seq,
    String commandId,
    String payload,
    Optional<Ack> result,
    OptionalDouble intentValue,
    boolean intentRecorded) {

  public boolean finished() {
    return result.isPresent();
  }

  /** The device write may have happened but its result was never recorded: a crash in between. */
  public boolean interrupted() {
    return intentRecorded && result.isEmpty();
  }
}
