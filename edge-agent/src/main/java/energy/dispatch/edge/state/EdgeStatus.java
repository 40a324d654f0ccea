package energy.dispatch.edge.state;

import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.journal.ParameterOverride;
import java.util.List;
import java.util.Map;

/**
 * The edge's state as of the last cycle, for the state topic (edge-state.schema.json). Immutable;
 * built on the cycle thread, read from any.
 */
public record EdgeStatus(
    int configVersion,
    Map<String, Object> controllers,
    List<Hold> holds,
    List<ParameterOverride> overrides,
    int queueDepth,
    double lastCycleMs,
    long cycleOverruns,
    long cycles,
    CycleLateness cycleStartLateness,
    Map<String, DeviceReachability> devices) {

  public EdgeStatus {
    controllers = Map.copyOf(controllers);
    devices = Map.copyOf(devices);
    holds = List.copyOf(holds);
    overrides = List.copyOf(overrides);
  }
}
