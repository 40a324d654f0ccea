package energy.dispatch.edge.config;

import energy.dispatch.schema.CapabilityConfig;

/** Puts a validated config in force between two cycles, then runs {@code afterApplied}. */
@FunctionalInterface
public interface ConfigApplier {

  void apply(CapabilityConfig config, Runnable afterApplied);
}
