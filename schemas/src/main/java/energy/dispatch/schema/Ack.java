package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An edge's answer about one command. {@code appliedValue} and {@code limitedBy} are set when a
 * safety limit changed what was written.
 */
public record Ack(
    String commandId,
    AckStatus status,
    Instant executedAt,
    ErrorDetail error,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode appliedValue,
    @JsonInclude(JsonInclude.Include.NON_NULL) String limitedBy) {

  public Ack {
    Objects.requireNonNull(commandId, "command_id");
    Objects.requireNonNull(status, "status");
  }

  public static Ack delivered(String commandId) {
    return new Ack(commandId, AckStatus.DELIVERED, null, null, null, null);
  }

  public static Ack executed(String commandId, Instant executedAt) {
    return new Ack(commandId, AckStatus.EXECUTED, executedAt, null, null, null);
  }

  public static Ack of(String commandId, AckStatus status, Instant at, ErrorDetail error) {
    return new Ack(commandId, status, at, error, null, null);
  }
}
