package energy.dispatch.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.launcher.LocalSystem;
import energy.dispatch.schema.Json;
import java.time.Instant;

/** One benchmark run: the raw MQTT baseline, then the emergency command path, and their ratios. */
public final class LatencyRun {

  private static final String ECHO_EDGE = "bench_echo_edge";

  private final LocalSystem system;
  private final String edgeId;

  public LatencyRun(LocalSystem system, String edgeId) {
    this.system = system;
    this.edgeId = edgeId;
  }

  public ObjectNode run(int warmup, int samples) throws InterruptedException {
    String echoSecret = system.registerBareEdge(ECHO_EDGE);
    Percentiles raw = Percentiles.of(new RawMqttRoundTrip(system.broker().host(), system.broker().port(),
        system.cloudMqttSecret(), ECHO_EDGE, echoSecret).measure(warmup, samples));
    Percentiles command = Percentiles.of(new LatencyBenchmark(system, edgeId).measure(warmup, samples));
    ObjectNode result = Json.mapper().createObjectNode();
    result.put("measured_at", Instant.now().toString());
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.set("raw_mqtt_round_trip_micros", Json.mapper().valueToTree(raw));
    result.set("emergency_command_micros", Json.mapper().valueToTree(command));
    result.put("p50_ratio", command.p50Micros() / raw.p50Micros());
    result.put("p99_ratio", command.p99Micros() / raw.p99Micros());
    result.put("budget", "p50 ratio <= 3, p99 ratio <= 5");
    return result;
  }
}
