package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.CommandStatus;
import java.util.Objects;
import java.util.Set;

/**
 * One guarded move of a command: from any of {@code from} to {@code to}, by {@code actor}
 * ({@code user:..}, {@code edge:..}, {@code cloud}) for {@code reason}, which every audit event
 * carries. {@code result} is stored when {@code to} is terminal.
 */
public record Transition(String commandId, Set<CommandStatus> from, CommandStatus to, String actor, String reason,
    JsonNode result) {

  public Transition {
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    from = Set.copyOf(from);
  }

  /** The move with the lifecycle's predecessors of {@code to}. */
  public static Transition to(String commandId, CommandStatus to, String actor, String reason, JsonNode result) {
    return new Transition(commandId, Lifecycle.predecessorsOf(to), to, actor, reason, result);
  }
}
