package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One command, as the client sent it and, once the cloud accepted it, with the cloud's
 * {@code acceptedAt} and {@code expiresAt}. Immutable: {@code value} is a copy that nobody
 * modifies. The client's {@code timestamp} and {@code source} are recorded, never trusted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Command(
    String commandId,
    CommandType commandType,
    Target target,
    @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode value,
    String unit,
    Priority priority,
    Integer expirySec,
    Integer holdSec,
    Integer durationSec,
    String source,
    String timestamp,
    Instant acceptedAt,
    Instant expiresAt) {

  public Command {
    Objects.requireNonNull(commandId, "command_id");
    Objects.requireNonNull(commandType, "command_type");
    Objects.requireNonNull(target, "target");
    value = value == null ? NullNode.getInstance() : value.deepCopy();
    priority = priority == null ? Priority.NORMAL : priority;
  }

  @JsonIgnore
  public String edgeId() {
    return target.edgeId();
  }

  /** A setpoint with a null value releases the hold on its channel. */
  @JsonIgnore
  public boolean isRelease() {
    return commandType == CommandType.SETPOINT && value.isNull();
  }

  /** The same command as stamped by the cloud on acceptance. */
  public Command accepted(Instant acceptedAt, Instant expiresAt) {
    return new Command(commandId, commandType, target, value, unit, priority, expirySec, holdSec,
        durationSec, source, timestamp, acceptedAt, expiresAt);
  }
}
