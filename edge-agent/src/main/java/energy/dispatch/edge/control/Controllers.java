package energy.dispatch.edge.control;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.edge.journal.ControllerSetting;
import energy.dispatch.edge.journal.ParameterOverride;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CapabilityConfig.Controller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The controllers of the Core Cycle in their configured order, with what commands changed on them:
 * mode, place in the run list, parameter overrides. The first running controller with an opinion
 * sets the battery power (the order is the priority, as in the config); the min_soc guard only
 * limits. Not thread-safe: owned by the cycle thread.
 */
public final class Controllers {

  /** The mode every controller understands as "do nothing". */
  public static final String MODE_OFF = "off";

  private final Map<String, RunningController> byName = new LinkedHashMap<>();

  private Controllers(List<RunningController> controllers) {
    controllers.forEach(controller -> byName.put(controller.name(), controller));
  }

  public static Controllers of(
      CapabilityConfig config, List<ControllerSetting> settings, List<ParameterOverride> overrides) {
    List<RunningController> controllers = new ArrayList<>();
    for (Controller controller : config.controllers()) {
      controllers.add(RunningController.of(controller));
    }
    Controllers result = new Controllers(controllers);
    settings.forEach(result::restore);
    overrides.forEach(result::restore);
    return result;
  }

  private void restore(ControllerSetting setting) {
    find(setting.controller()).ifPresent(controller -> {
      setting.mode().filter(controller.config().modes()::contains).ifPresent(controller::mode);
      setting.enabled().ifPresent(controller::enabled);
    });
  }

  private void restore(ParameterOverride override) {
    find(override.controller()).filter(c -> c.config().parameters().containsKey(override.parameter()))
        .ifPresent(controller -> controller.overrides().put(override.parameter(), override));
  }

  /** The battery power the first running controller with an opinion asks for, in W (positive = charging). */
  public OptionalDouble batteryWatts(SiteReadings site) {
    for (RunningController controller : byName.values()) {
      if (controller.running() && controller.algorithm().isPresent()) {
        OptionalDouble watts = controller.algorithm().get().batteryWatts(site, controller.parameters());
        if (watts.isPresent()) {
          return watts;
        }
      }
    }
    return OptionalDouble.empty();
  }

  /** Whether any running controller drives the battery: then the battery channel is theirs when no hold claims it. */
  public boolean anyDrivesBattery() {
    return byName.values().stream().anyMatch(c -> c.running() && c.algorithm().isPresent());
  }

  /** The highest {@code MinSoc} of the running min_soc guards, in %. */
  public OptionalDouble minSocPercent() {
    return byName.values().stream()
        .filter(c -> c.running() && c.kind().filter(ControllerKind.MIN_SOC::equals).isPresent())
        .map(c -> c.parameters().number(ControllerKind.MIN_SOC_PARAMETER))
        .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).max();
  }

  public void mode(String controller, String mode) {
    require(controller).mode(mode);
  }

  public void enabled(String controller, boolean enabled) {
    require(controller).enabled(enabled);
  }

  /** What commands changed on a controller, to journal. */
  public ControllerSetting setting(String controller) {
    RunningController running = require(controller);
    return new ControllerSetting(controller, Optional.ofNullable(running.mode()), Optional.of(running.enabled()));
  }

  public void putOverride(ParameterOverride override) {
    require(override.controller()).overrides().put(override.parameter(), override);
  }

  /** The override in force on a parameter, if any. */
  public Optional<ParameterOverride> override(String controller, String parameter) {
    return find(controller).map(c -> c.overrides().get(parameter));
  }

  public Optional<ParameterOverride> removeOverride(String controller, String parameter) {
    return find(controller).map(c -> c.overrides().remove(parameter));
  }

  /** The overrides whose time is up at {@code now}. */
  public List<ParameterOverride> endedOverrides(Instant now) {
    return overrides().stream().filter(override -> override.endedAt(now)).toList();
  }

  public List<ParameterOverride> overrides() {
    List<ParameterOverride> all = new ArrayList<>();
    byName.values().forEach(c -> all.addAll(c.overrides().values()));
    return all;
  }

  /** The configured value a parameter reverts to. */
  public Optional<JsonNode> configuredValue(String controller, String parameter) {
    return find(controller).map(c -> c.config().parameters().get(parameter)).map(p -> p.value());
  }

  /** For the state report: each controller's kind, place in the run list, mode and effective parameters. */
  public Map<String, Object> describe() {
    Map<String, Object> described = new LinkedHashMap<>();
    for (RunningController controller : byName.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kind", controller.config().kind());
      entry.put("enabled", controller.enabled());
      entry.put("mode", controller.mode());
      entry.put("parameters", new TreeMap<>(controller.parameters().values()));
      described.put(controller.name(), entry);
    }
    return described;
  }

  private Optional<RunningController> find(String controller) {
    return Optional.ofNullable(byName.get(controller));
  }

  private RunningController require(String controller) {
    return find(controller).orElseThrow(() -> new IllegalArgumentException("no controller '" + controller + "'"));
  }
}
