package energy.dispatch.cloud.command;

import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.ErrorDetail;
import java.time.Instant;

/** The answer to a submitted command: accepted (new, or the same command resubmitted) or refused. */
public sealed interface Submission {

  /** The message that answers the submitter at once. */
  CommandStatusEvent answer();

  /**
   * The command is in the record. {@code resubmission} is true when the same principal sent the
   * same command again and got the existing one back.
   */
  record Accepted(CommandRecord record, boolean resubmission) implements Submission {
    @Override
    public CommandStatusEvent answer() {
      return record.toStatusEvent();
    }
  }

  /**
   * The command was never accepted; {@code commandId} and {@code edgeId} are null when unreadable,
   * {@code retryAfterSec} is set only when waiting that long lets it through ({@code rate_limited}).
   */
  record Refused(ErrorDetail error, String commandId, String edgeId, Instant at, Long retryAfterSec)
      implements Submission {

    public Refused(ErrorDetail error, String commandId, String edgeId, Instant at) {
      this(error, commandId, edgeId, at, null);
    }

    @Override
    public CommandStatusEvent answer() {
      CommandStatusEvent refused = CommandStatusEvent.refused(commandId, edgeId, error, at);
      return retryAfterSec == null ? refused : refused.withRetryAfterSec(retryAfterSec);
    }
  }
}
