package energy.dispatch.cloud.command;

import energy.dispatch.schema.CommandStatusEvent;
import java.util.Objects;

/**
 * A status change to push: the event, and the principal who submitted the command (who always
 * sees it, besides everyone who may view the edge).
 */
public record StatusChange(String submitter, CommandStatusEvent event) {

  public StatusChange {
    Objects.requireNonNull(submitter, "submitter");
    Objects.requireNonNull(event, "event");
  }
}
