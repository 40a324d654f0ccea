package energy.dispatch.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.launcher.DispatchSocket;
import energy.dispatch.launcher.LocalSystem;
import energy.dispatch.schema.Json;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * Emergency setpoints over the dashboard WebSocket, submit to {@code executed} back on the same
 * socket (Modbus write, read-back and audit included), one at a time, against a running
 * {@link LocalSystem}.
 */
final class LatencyBenchmark {

  private static final Duration STATUS_WAIT = Duration.ofSeconds(30);

  private final LocalSystem system;
  private final String edgeId;

  LatencyBenchmark(LocalSystem system, String edgeId) {
    this.system = system;
    this.edgeId = edgeId;
  }

  long[] measure(int warmup, int samples) {
    try (DispatchSocket socket = DispatchSocket.connect(URI.create(system.cloud().webSocketUrl()),
        system.operatorToken(Duration.ofHours(1)))) {
      for (int i = 0; i < warmup; i++) {
        emergencySetpoint(socket, i);
      }
      long[] micros = new long[samples];
      for (int i = 0; i < samples; i++) {
        micros[i] = emergencySetpoint(socket, warmup + i);
      }
      return micros;
    }
  }

  /** Alternates between charging and discharging so every command really writes the battery. */
  private long emergencySetpoint(DispatchSocket socket, int sequence) {
    String commandId = "bench_" + UUID.randomUUID();
    ObjectNode command = Json.mapper().createObjectNode()
        .put("command_id", commandId)
        .put("command_type", "setpoint")
        .put("value", sequence % 2 == 0 ? 20_000 : -20_000)
        .put("unit", "W")
        .put("priority", "emergency")
        .put("expiry_sec", 60);
    command.putObject("target").put("edge_id", edgeId).put("device_id", "bms_main").put("channel", "SetActivePower");
    long start = System.nanoTime();
    socket.send(command.toString());
    while (true) {
      JsonNode status = socket.nextMatching(m -> commandId.equals(m.path("command_id").asText()), STATUS_WAIT);
      String state = status.path("status").asText();
      if (state.equals("executed")) {
        return (System.nanoTime() - start) / 1_000;
      }
      if (!state.equals("accepted") && !state.equals("sent") && !state.equals("delivered") && !state.equals("queued")) {
        throw new IllegalStateException("benchmark command " + commandId + " ended " + status);
      }
    }
  }
}
