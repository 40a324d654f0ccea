package energy.dispatch.cloud.command;

import static energy.dispatch.schema.CommandStatus.ACCEPTED;
import static energy.dispatch.schema.CommandStatus.DELIVERED;
import static energy.dispatch.schema.CommandStatus.QUEUED;
import static energy.dispatch.schema.CommandStatus.SENT;

import energy.dispatch.schema.CommandStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * The states a command may move to a given state from (DESIGN.md section 3). Every update of the
 * record is guarded by them ({@code UPDATE ... WHERE status IN (...)}), so concurrent events cannot
 * move a command twice, and each command reaches exactly one terminal state.
 */
public final class Lifecycle {

  private Lifecycle() {}

  /** Predecessors of {@code target}. An edge result may overtake the cloud's own bookkeeping, hence the wide sets. */
  public static Set<CommandStatus> predecessorsOf(CommandStatus target) {
    return switch (target) {
      case QUEUED -> EnumSet.of(ACCEPTED);
      case SENT -> EnumSet.of(ACCEPTED, QUEUED);
      case DELIVERED -> EnumSet.of(ACCEPTED, QUEUED, SENT);
      case EXECUTED, FAILED, REJECTED -> EnumSet.of(ACCEPTED, QUEUED, SENT, DELIVERED);
      case EXPIRED, SUPERSEDED -> EnumSet.of(ACCEPTED, QUEUED, SENT, DELIVERED);
      case CANCELLED -> EnumSet.of(QUEUED);
      case TIMEOUT -> EnumSet.of(SENT);
      case ACCEPTED, REFUSED -> EnumSet.noneOf(CommandStatus.class);
    };
  }
}
