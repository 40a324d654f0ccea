package energy.dispatch.edge;

import energy.dispatch.edge.device.modbus.ModbusDeviceGateway;

/** The device gateways the agent can run on. */
final class DeviceGateways {

  private DeviceGateways() {}

  /** Modbus TCP, driven by the capability config. */
  static DeviceGatewayFactory modbus() {
    return ModbusDeviceGateway::new;
  }
}
