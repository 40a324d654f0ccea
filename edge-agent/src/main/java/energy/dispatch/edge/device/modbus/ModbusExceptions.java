package energy.dispatch.edge.device.modbus;

/** What the standard Modbus exception codes mean, and what an operator can do about each. */
final class ModbusExceptions {

  private ModbusExceptions() {}

  static String meaning(int code) {
    return switch (code) {
      case 1 -> "illegal function";
      case 2 -> "illegal data address";
      case 3 -> "illegal data value";
      case 4 -> "server device failure";
      case 5 -> "acknowledge";
      case 6 -> "server device busy";
      case 8 -> "memory parity error";
      case 10 -> "gateway path unavailable";
      case 11 -> "gateway target device failed to respond";
      default -> "non-standard exception";
    };
  }

  static String advice(int code) {
    return switch (code) {
      case 1 -> "the device does not support this function code: check function_code in the capability config";
      case 2 -> "the device has no such register: check register and type in the capability config against its map";
      case 3 -> "the device refused the value: check its operating mode and limits";
      case 5, 6 -> "the device is busy: send the command again later";
      case 10, 11 -> "the Modbus gateway cannot reach this unit: check unit_id and the device behind the gateway";
      default -> "check the device's own diagnostics";
    };
  }
}
