package energy.dispatch.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * What a command acts on. {@code edgeId} is always set; the others are set as the command type
 * needs them (see command.schema.json).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Target(String edgeId, String deviceId, String channel, String controller, String parameter) {

  public Target {
    Objects.requireNonNull(edgeId, "edge_id");
  }

  /** The device channel a setpoint writes, as {@code device/channel}, or null for other commands. */
  public String channelKey() {
    return deviceId == null || channel == null ? null : deviceId + "/" + channel;
  }
}
