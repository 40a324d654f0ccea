package energy.dispatch.cloud.command;

import java.util.List;

/** A command's current state with its whole history. */
public record CommandDetails(CommandRecord record, List<CommandEvent> history) {}
