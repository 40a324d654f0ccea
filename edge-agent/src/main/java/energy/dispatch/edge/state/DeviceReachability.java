package energy.dispatch.edge.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Whether a configured device answers, as the Core Cycle last saw it (edge-state.schema.json,
 * {@code devices}). Immutable.
 *
 * @param since when the edge first saw the device in this condition
 * @param reason why it is unreachable; null while it answers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceReachability(boolean reachable, Instant since, String reason) {

  public static DeviceReachability answering(Instant since) {
    return new DeviceReachability(true, since, null);
  }

  public static DeviceReachability unreachable(Instant since, String reason) {
    return new DeviceReachability(false, since, reason);
  }
}
