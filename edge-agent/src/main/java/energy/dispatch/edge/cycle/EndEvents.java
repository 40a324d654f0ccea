package energy.dispatch.edge.cycle;

import energy.dispatch.edge.control.Controllers;
import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.journal.ParameterOverride;
import energy.dispatch.edge.state.StateEvent;
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
    details.put("until", replaced.until().toString());
    details.put("replaced_by", by.commandId());
    details.put("value", by.value());
    return new StateEvent(StateEvent.OVERRIDE_REPLACED, details);
  }
}
