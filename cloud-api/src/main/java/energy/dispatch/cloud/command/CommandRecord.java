package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.time.Instant;

/**
 * A command as the record (table {@code commands}) holds it now: the accepted command, who sent
 * it, its state and its timestamps. {@code result} is the edge's final ack or the cloud's error;
 * {@code lateResult} an ack that came after a timeout. Immutable.
 */
public record CommandRecord(
    Command command,
    String principal,
    String fingerprint,
    CommandStatus status,
    long submitSeq,
    Instant acceptedAt,
    Instant expiresAt,
    Instant sentAt,
    Instant deliveredAt,
    Instant finishedAt,
    JsonNode result,
    JsonNode lateResult) {

  public String commandId() {
    return command.commandId();
  }

  public String edgeId() {
    return command.edgeId();
  }

  /** Whether no terminal state was reached yet. */
  public boolean isOpen() {
    return !status.isTerminal();
  }

  /** The current state as a pushed status message. */
  public CommandStatusEvent toStatusEvent() {
    Instant at = finishedAt != null ? finishedAt : deliveredAt != null ? deliveredAt : sentAt != null ? sentAt : acceptedAt;
    ErrorDetail error = errorOf(result);
    JsonNode applied = result == null ? null : result.get("applied_value");
    String limitedBy = result == null || !result.hasNonNull("limited_by") ? null : result.get("limited_by").asText();
    return new CommandStatusEvent(CommandStatusEvent.TYPE, commandId(), edgeId(), status, at, error,
        applied == null || applied.isNull() ? null : applied, limitedBy, expiresAt, null);
  }

  static ErrorDetail errorOf(JsonNode result) {
    if (result == null || !result.hasNonNull("error")) {
      return null;
    }
    return Json.mapper().convertValue(result.get("error"), ErrorDetail.class);
  }
}
