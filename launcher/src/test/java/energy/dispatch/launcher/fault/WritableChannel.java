package energy.dispatch.launcher.fault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.Json;
import energy.dispatch.simulator.SiteSimulator;

/**
 * Writable channels of the demo site that no controller drives, so that every write the simulator
 * counts on their register comes from a command: a test that sends one command per channel knows
 * exactly how often each command was written. (The battery's active power is left out: the
 * controllers write it every cycle.)
 */
enum WritableChannel {
  REACTIVE_POWER("bms_main", "SetReactivePower", "var", 1, 9, -30_000, 30_000),
  SOC_RESERVE("bms_main", "SocReserve", "%", 1, 40_000, 1, 99),
  PV_LIMIT("pv_inverter", "PowerLimitPercent", "%", 3, 40_087, 1, 99);

  private final String deviceId;
  private final String channel;
  private final String unit;
  private final int unitId;
  private final int register;
  private final int min;
  private final int max;

  WritableChannel(String deviceId, String channel, String unit, int unitId, int register, int min, int max) {
    this.deviceId = deviceId;
    this.channel = channel;
    this.unit = unit;
    this.unitId = unitId;
    this.register = register;
    this.min = min;
    this.max = max;
  }

  /** A setpoint to this channel, expiring in {@code expirySeconds}. */
  ObjectNode setpoint(String commandId, String edgeId, int value, int expirySeconds) {
    ObjectNode command = Json.mapper().createObjectNode()
        .put("command_id", commandId)
        .put("command_type", "setpoint");
    command.putObject("target").put("edge_id", edgeId).put("device_id", deviceId).put("channel", channel);
    return command.put("value", value).put("unit", unit).put("expiry_sec", expirySeconds).put("source", "fault-test");
  }

  /**
   * A value in the channel's range, never the simulator's start value (0, or 100 % for the PV
   * limit); consecutive seeds give different values until the range is used up.
   */
  int value(long seed) {
    int span = max - min;
    int value = min + (int) Math.floorMod(seed * 7919L + 13, (long) span + 1);
    return value == 0 ? max : value;
  }

  /** Accepted writes the simulator counted on this channel's register. */
  int writes(SiteSimulator simulator) {
    return simulator.writeCount(unitId, register);
  }

  String channelKey() {
    return deviceId + "/" + channel;
  }
}
