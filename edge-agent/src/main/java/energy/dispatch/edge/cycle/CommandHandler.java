package energy.dispatch.edge.cycle;

import energy.dispatch.edge.command.QueuedCommand;

/**
 * Executes one type of command on the cycle thread and records its result (or, for a command that
 * completes later, its intent). An exception escaping a handler fails only that command.
 */
@FunctionalInterface
public interface CommandHandler {

  void apply(QueuedCommand command, SiteState site);
}
