package energy.dispatch.edge.control;

import java.util.OptionalDouble;

/**
 * Self-consumption: drives grid power toward zero with the battery. The battery takes the site's
 * whole demand (discharging for a load, charging from a PV surplus); the battery limits then cut
 * what it cannot do.
 */
public final class BalancingController implements PowerController {

  @Override
  public OptionalDouble batteryWatts(SiteReadings site, Parameters parameters) {
    OptionalDouble demand = site.demandWatts();
    return demand.isPresent() ? OptionalDouble.of(-demand.getAsDouble()) : OptionalDouble.empty();
  }
}
