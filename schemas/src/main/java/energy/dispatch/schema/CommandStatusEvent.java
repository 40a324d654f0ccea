package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A status change of one command as pushed to dashboards and optimizers
 * (command-status.schema.json). {@code late} marks a result that arrived after a timeout.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandStatusEvent(
    String type,
    @JsonInclude(JsonInclude.Include.ALWAYS) String commandId,
    String edgeId,
    CommandStatus status,
    Instant at,
    @JsonInclude(JsonInclude.Include.ALWAYS) ErrorDetail error,
    JsonNode appliedValue,
    String limitedBy,
    Instant expiresAt,
    Boolean late,
    Long retryAfterSec) {

  public static final String TYPE = "command_status";

  public CommandStatusEvent {
    type = TYPE;
  }

  /** Without {@code retry_after_sec}, which only a {@code rate_limited} refusal carries. */
  public CommandStatusEvent(String type, String commandId, String edgeId, CommandStatus status, Instant at,
      ErrorDetail error, JsonNode appliedValue, String limitedBy, Instant expiresAt, Boolean late) {
    this(type, commandId, edgeId, status, at, error, appliedValue, limitedBy, expiresAt, late, null);
  }

  /** The same event telling the client to wait {@code seconds} before trying again. */
  public CommandStatusEvent withRetryAfterSec(long seconds) {
    return new CommandStatusEvent(type, commandId, edgeId, status, at, error, appliedValue, limitedBy, expiresAt, late,
        seconds);
  }

  public static CommandStatusEvent of(String commandId, String edgeId, CommandStatus status, Instant at) {
    return new CommandStatusEvent(TYPE, commandId, edgeId, status, at, null, null, null, null, null);
  }

  public static CommandStatusEvent refused(String commandId, String edgeId, ErrorDetail error, Instant at) {
    return new CommandStatusEvent(TYPE, commandId, edgeId, CommandStatus.REFUSED, at, error, null, null, null, null);
  }
}
