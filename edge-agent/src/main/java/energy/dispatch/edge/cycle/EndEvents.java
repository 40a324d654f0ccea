package energy.dispatch.edge.cycle;

import energy.dispatch.edge.control.Controllers;
import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.journal.ParameterOverride;
import energy.dispatch.edge.state.StateEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The events that tell the cloud a hold or an override is over, at its time, earlier, or replaced. */
public final class EndEvents {

  /** Why a hold or an override ended before its time: a new config became the baseline. */
  public static final Map<String, Object> CONFIG_CHANGE = Map.of("reason", "config_change");

  private EndEvents() {}

  /** The event for a hold that ends; {@code more} adds why, when it ends early. */
  public static StateEvent holdEnded(Hold hold, Map<String, Object> more) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("channel", hold.channelKey());
    details.put("command_id", hold.commandId());
    details.put("until", hold.until().toString());
    details.putAll(more);
    return new StateEvent(StateEvent.HOLD_ENDED, details);
  }

  /**
   * The event for a hold that a later setpoint on the same channel ends before its time: the
   * channel stays held, at the later one's value.
   */
  public static StateEvent holdReplaced(Hold replaced, Hold by) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("channel", replaced.channelKey());
    details.put("command_id", replaced.commandId());
    details.put("held_value", replaced.value());
    return replaced(StateEvent.HOLD_REPLACED, details, replaced.until(), by.commandId(), by.value());
  }

  /** The event for an override that reverts to the value {@code controllers} has configured. */
  public static StateEvent overrideReverted(ParameterOverride override, Controllers controllers,
      Map<String, Object> more) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("controller", override.controller());
    details.put("parameter", override.parameter());
    details.put("command_id", override.commandId());
    details.put("overridden_value", override.value());
    controllers.configuredValue(override.controller(), override.parameter())
        .ifPresent(value -> details.put("value", value));
    details.putAll(more);
    return new StateEvent(StateEvent.OVERRIDE_REVERTED, details);
  }

  /**
   * The event for an override that a later one on the same parameter ends before its time: the
   * parameter takes the later one's value, not the configured one.
   */
  public static StateEvent overrideReplaced(ParameterOverride replaced, ParameterOverride by) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("controller", replaced.controller());
    details.put("parameter", replaced.parameter());
    details.put("command_id", replaced.commandId());
    details.put("overridden_value", replaced.value());
    return replaced(StateEvent.OVERRIDE_REPLACED, details, replaced.until(), by.commandId(), by.value());
  }

  /** Completes {@code ended}, what identifies the replaced hold or override, with what replaced it. */
  private static StateEvent replaced(String type, Map<String, Object> ended, Instant until, String replacedBy,
      Object value) {
    ended.put("until", until.toString());
    ended.put("replaced_by", replacedBy);
    ended.put("value", value);
    return new StateEvent(type, ended);
  }
}
