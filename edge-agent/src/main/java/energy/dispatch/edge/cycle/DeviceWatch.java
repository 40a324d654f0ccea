package energy.dispatch.edge.cycle;

import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.edge.state.DeviceReachability;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.schema.CapabilityConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which configured devices answer, as of the last read of the inputs, and the changes the cloud
 * must hear about: a device that stops answering and one that answers again. A device unreachable
 * when first seen (down at start) is reported; one answering when first seen is not news. Not
 * thread-safe: the Core Cycle's thread only.
 */
final class DeviceWatch {

  private final Map<String, DeviceReachability> devices = new LinkedHashMap<>();

  /** Looks at every device of the config; returns one event per device whose reachability changed. */
  List<StateEvent> observe(CapabilityConfig config, DeviceGateway gateway, Instant now) {
    List<StateEvent> changes = new ArrayList<>();
    Map<String, DeviceReachability> seen = new LinkedHashMap<>();
    for (CapabilityConfig.Device device : config.devices()) {
      String deviceId = device.deviceId();
      DeviceReachability before = devices.get(deviceId);
      Optional<String> reason = gateway.unreachableReason(deviceId);
      DeviceReachability after = next(before, reason, now);
      if (after != before) {
        changeEvent(deviceId, before, after).ifPresent(changes::add);
      }
      seen.put(deviceId, after);
    }
    // a device the config no longer names is no longer watched
    devices.clear();
    devices.putAll(seen);
    return changes;
  }

  /** Every configured device's reachability as of the last {@link #observe}. */
  Map<String, DeviceReachability> current() {
    return Map.copyOf(devices);
  }

  private static DeviceReachability next(DeviceReachability before, Optional<String> reason, Instant now) {
    if (reason.isPresent()) {
      // the first reason stays until it answers again: the report says what began the outage
      return before != null && !before.reachable() ? before : DeviceReachability.unreachable(now, reason.get());
    }
    return before != null && before.reachable() ? before : DeviceReachability.answering(now);
  }

  private static Optional<StateEvent> changeEvent(String deviceId, DeviceReachability before,
      DeviceReachability after) {
    if (!after.reachable()) {
      return Optional.of(new StateEvent(StateEvent.DEVICE_UNREACHABLE,
          Map.of("device_id", deviceId, "reason", after.reason())));
    }
    if (before != null) {
      return Optional.of(new StateEvent(StateEvent.DEVICE_REACHABLE,
          Map.of("device_id", deviceId, "unreachable_since", before.since().toString())));
    }
    return Optional.empty();
  }
}
