package energy.dispatch.edge.state;

import java.util.Map;

/**
 * Something the cloud must hear about that no ack carries: a hold ended or replaced by another, an
 * override reverted or replaced by another, a config applied, a restart announced, a device that
 * stopped or started answering, the edge's MQTT session taken over by another client. Published on
 * the state topic and audited by the cloud.
 */
public record StateEvent(String type, Map<String, Object> details) {

  public static final String HOLD_ENDED = "hold_ended";
  public static final String HOLD_RELEASED = "hold_released";
  public static final String HOLD_REPLACED = "hold_replaced";
  public static final String HOLD_LIMITED = "hold_limited";
  public static final String OVERRIDE_REVERTED = "override_reverted";
  public static final String OVERRIDE_REPLACED = "override_replaced";
  public static final String CONFIG_APPLIED = "config_applied";
  public static final String CONFIG_REFUSED = "config_refused";
  public static final String RESTARTING = "restarting";
  public static final String DEVICE_UNREACHABLE = "device_unreachable";
  public static final String DEVICE_REACHABLE = "device_reachable";
  public static final String SESSION_TAKEN_OVER = "session_taken_over";

  public StateEvent {
    details = Map.copyOf(details);
  }
}
