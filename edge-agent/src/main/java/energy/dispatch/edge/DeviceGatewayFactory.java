package energy.dispatch.edge;

import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.schema.CapabilityConfig;

/** Opens the site's devices as a capability config describes them; called at start and on each new config. */
@FunctionalInterface
public interface DeviceGatewayFactory {

  DeviceGateway open(CapabilityConfig config);
}
