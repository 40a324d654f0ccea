package energy.dispatch.edge.config;

import energy.dispatch.schema.CapabilityConfig;

/** Puts a validated config in force between two cycles, then tells how that went. */
@FunctionalInterface
public interface ConfigApplier {

  void apply(CapabilityConfig config, Outcome outcome);

  /** Called on the thread that applied the config, once. */
  interface Outcome {

    void applied();

    /** Nothing changed: devices, controllers, holds and journal stay on the config in force. */
    void failed(RuntimeException cause);
  }
}
