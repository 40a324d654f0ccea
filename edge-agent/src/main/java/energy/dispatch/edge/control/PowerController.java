package energy.dispatch.edge.control;

import java.util.OptionalDouble;

/**
 * One control algorithm of the Core Cycle: from the site's readings, the battery power it wants
 * (W, positive = charging), or empty when it has nothing to say this cycle. Pure functions of
 * their inputs, so cycle-replay tests can drive them on a fake clock.
 */
@FunctionalInterface
public interface PowerController {

  OptionalDouble batteryWatts(SiteReadings site, Parameters parameters);
}
