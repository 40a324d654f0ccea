package energy.dispatch.edge.journal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A controller parameter changed by a {@code config_override} until {@code until}, then reverted. */
public record ParameterOverride(String controller, String parameter, JsonNode value, String commandId, Instant until) {

  public boolean endedAt(Instant now) {
    return !now.isBefore(until);
  }
}
