package energy.dispatch.cloud.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.command.CommandEvent;
import energy.dispatch.cloud.command.CommandRecord;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.ErrorDetail;
import java.time.Instant;
import java.util.List;

/** A command as REST shows it: state, timestamps, the accepted command, result, late result, history. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CommandView(
    String commandId,
    String edgeId,
    String principal,
    CommandStatus status,
    Instant acceptedAt,
    Instant expiresAt,
    Instant sentAt,
    Instant deliveredAt,
    Instant finishedAt,
    ErrorDetail error,
    JsonNode result,
    JsonNode lateResult,
    Command command,
    List<CommandEvent> history) {

  static CommandView of(CommandRecord record, List<CommandEvent> history) {
    return new CommandView(record.commandId(), record.edgeId(), record.principal(), record.status(),
        record.acceptedAt(), record.expiresAt(), record.sentAt(), record.deliveredAt(), record.finishedAt(),
        record.toStatusEvent().error(), record.result(), record.lateResult(), record.command(), history);
  }
}
