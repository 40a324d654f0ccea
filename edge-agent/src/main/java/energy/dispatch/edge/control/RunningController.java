package energy.dispatch.edge.control;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.edge.journal.ParameterOverride;
import energy.dispatch.schema.CapabilityConfig.Controller;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One configured controller and its runtime state. Not thread-safe: owned by the cycle thread. */
final class RunningController {

  private final Controller config;
  private final Optional<ControllerKind> kind;
  private final Optional<PowerController> algorithm;
  private final Map<String, ParameterOverride> overrides = new LinkedHashMap<>();
  private String mode;
  private boolean enabled;

  private RunningController(Controller config) {
    this.config = config;
    this.kind = ControllerKind.fromWire(config.kind());
    this.algorithm = kind.flatMap(ControllerKind::algorithm);
    this.mode = config.mode() != null ? config.mode() : config.modes().stream().findFirst().orElse(null);
    this.enabled = config.enabled();
  }

  static RunningController of(Controller config) {
    return new RunningController(config);
  }

  String name() {
    return config.name();
  }

  Controller config() {
    return config;
  }

  Optional<ControllerKind> kind() {
    return kind;
  }

  Optional<PowerController> algorithm() {
    return algorithm;
  }

  /** In the run list and not switched off by its mode. */
  boolean running() {
    return enabled && !Controllers.MODE_OFF.equals(mode);
  }

  String mode() {
    return mode;
  }

  void mode(String mode) {
    this.mode = mode;
  }

  boolean enabled() {
    return enabled;
  }

  void enabled(boolean enabled) {
    this.enabled = enabled;
  }

  Map<String, ParameterOverride> overrides() {
    return overrides;
  }

  Parameters parameters() {
    Map<String, JsonNode> values = new HashMap<>();
    config.parameters().forEach((name, parameter) -> values.put(name, parameter.value()));
    overrides.forEach((name, override) -> values.put(name, override.value()));
    return new Parameters(values);
  }
}
