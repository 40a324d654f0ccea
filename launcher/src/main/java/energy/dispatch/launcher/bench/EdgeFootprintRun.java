package energy.dispatch.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.broker.embedded.BrokerSettings;
import energy.dispatch.broker.embedded.EmbeddedBroker;
import energy.dispatch.launcher.LocalSystem;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.simulator.SiteModel;
import energy.dispatch.simulator.SiteSimulator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The edge agent's footprint against its budget (DESIGN.md section 10: 64 MB of heap, started in
 * 2 s, cycle start lateness p99 within 5 ms at 1 s): a real embedded broker with the extension and
 * a simulated site in this JVM, the agent in its own JVM under the flags of {@code ./dispatch edge},
 * setpoints sent to it meanwhile so its cycle is not idle. Start time is spawn to the agent's first
 * online state on the broker; heap is what {@code jcmd} finds in use after a full collection once
 * the cycles have run; lateness is the agent's own report.
 */
public final class EdgeFootprintRun {

  static final long HEAP_BUDGET_MB = 64;
  static final long START_BUDGET_MS = 2_000;
  static final double LATENESS_P99_BUDGET_MS = 5.0;
  private static final String EDGE_ID = "bench_footprint_edge";
  private static final int START_WAIT_SECONDS = 60;
  /** Beyond the cycles themselves: the state report comes every 30 s, and a loaded machine is slow. */
  private static final int CYCLES_GRACE_SECONDS = 120;

  /**
   * @param cycles how many Core Cycles the agent runs before its heap is read
   * @param commandEverySeconds how often a setpoint is sent; 0 leaves the cycle idle
   * @param siteConfig the capability config the agent runs, its devices pointed at the simulator
   * @param workFolder broker data, agent journal, config, secret and log
   */
  public record Options(int cycles, int commandEverySeconds, Path siteConfig, Path workFolder) {}

  private final Options options;
  private final String cloudSecret = CredentialHash.newSecret();
  private final String edgeSecret = CredentialHash.newSecret();

  public EdgeFootprintRun(Options options) {
    this.options = options;
  }

  public ObjectNode run() throws Exception {
    StaticCredentialStore credentials = StaticCredentialStore.withCloudSecret(cloudSecret)
        .putEdge(EDGE_ID, CredentialHash.hash(edgeSecret));
    double loadBefore = loadAverage();
    try (EmbeddedBroker broker = EmbeddedBroker.start(
            BrokerSettings.defaults(Files.createDirectories(options.workFolder().resolve("broker"))), credentials);
        SiteSimulator simulator = SiteSimulator.start(0, SiteModel.demo());
        EdgeObserver observer = new EdgeObserver(broker.host(), broker.port(), cloudSecret, EDGE_ID)) {
      Path config = writeConfig(simulator.port());
      List<String> arguments = edgeArguments(config, broker);
      try (EdgeProcess edge = EdgeProcess.start(arguments, options.workFolder().resolve("edge.log"),
          "edge " + EDGE_ID + " started")) {
        ObjectNode result = measure(edge, observer);
        result.put("cycle_period_ms", CapabilityConfig.parse(Json.mapper().readTree(config.toFile())).cyclePeriodMs());
        result.put("load_average_before", loadBefore);
        result.put("load_average_after", loadAverage());
        return result;
      }
    }
  }

  private ObjectNode measure(EdgeProcess edge, EdgeObserver observer) throws Exception {
    long readyNanos = edge.awaitReadyNanos(START_WAIT_SECONDS);
    long onlineNanos = observer.awaitOnlineNanos(START_WAIT_SECONDS);
    JsonNode state = runCycles(observer);
    HeapProbe.Heap heap = HeapProbe.afterFullGc(edge.pid());

    ObjectNode result = Json.mapper().createObjectNode();
    result.put("measured_at", Instant.now().toString());
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.set("edge_jvm_flags", Json.mapper().valueToTree(EdgeProcess.EDGE_JVM_FLAGS));
    result.put("cycles", state.path("cycles").asLong());
    result.put("cycle_overruns", state.path("cycle_overruns").asLong());
    result.put("commands_sent", observer.commandsSent());
    result.put("commands_executed", observer.commandsExecuted());
    result.put("commands_not_executed", observer.commandsNotExecuted());
    result.set("start", start(edge.spawnedNanos(), readyNanos, onlineNanos));
    result.set("heap", heap(heap));
    result.set("cycle_start_lateness_ms", lateness(state.path("cycle_start_lateness_ms")));
    result.put("pass", result.path("start").path("pass").asBoolean() && result.path("heap").path("pass").asBoolean()
        && result.path("cycle_start_lateness_ms").path("pass").asBoolean());
    return result;
  }

  /** Sends setpoints at their pace until a state message counts the cycles asked for. */
  private JsonNode runCycles(EdgeObserver observer) throws Exception {
    ScheduledExecutorService commands = Executors.newSingleThreadScheduledExecutor();
    try {
      if (options.commandEverySeconds() > 0) {
        commands.scheduleAtFixedRate(() -> observer.sendSetpoint(observer.commandsSent() % 2 == 0 ? 10_000 : -10_000),
            0, options.commandEverySeconds(), TimeUnit.SECONDS);
      }
      return observer.awaitCycles(options.cycles(), options.cycles() * 2L + CYCLES_GRACE_SECONDS);
    } finally {
      commands.shutdownNow();
    }
  }

  private static ObjectNode start(long spawnedNanos, long readyNanos, long onlineNanos) {
    long onlineMs = TimeUnit.NANOSECONDS.toMillis(onlineNanos - spawnedNanos);
    ObjectNode start = Json.mapper().createObjectNode();
    start.put("spawn_to_ready_line_ms", TimeUnit.NANOSECONDS.toMillis(readyNanos - spawnedNanos));
    start.put("spawn_to_online_state_ms", onlineMs);
    start.put("budget_ms", START_BUDGET_MS);
    start.put("pass", onlineMs <= START_BUDGET_MS);
    return start;
  }

  private static ObjectNode heap(HeapProbe.Heap heap) {
    double usedMb = heap.usedAfterGcKb() / 1024.0;
    ObjectNode figures = Json.mapper().createObjectNode();
    figures.put("used_after_full_gc_mb", usedMb);
    figures.put("committed_mb", heap.committedKb() / 1024.0);
    figures.put("metaspace_mb", heap.metaspaceKb() / 1024.0);
    figures.put("budget_mb", HEAP_BUDGET_MB);
    figures.put("pass", usedMb <= HEAP_BUDGET_MB);
    return figures;
  }

  private static ObjectNode lateness(JsonNode reported) {
    ObjectNode figures = ((ObjectNode) reported).deepCopy();
    figures.put("budget_p99_ms", LATENESS_P99_BUDGET_MS);
    figures.put("pass", reported.path("p99").asDouble() <= LATENESS_P99_BUDGET_MS);
    return figures;
  }

  private Path writeConfig(int modbusPort) throws IOException {
    ObjectNode config = (ObjectNode) LocalSystem.siteConfig(options.siteConfig(), modbusPort);
    config.put("edge_id", EDGE_ID);
    return Files.writeString(options.workFolder().resolve("capability-config.json"), config.toString());
  }

  private List<String> edgeArguments(Path config, EmbeddedBroker broker) throws IOException {
    Path secretFile = options.workFolder().resolve("edge.secret");
    Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(secretFile, edgeSecret);
    return List.of("edge", "--edge-id", EDGE_ID, "--config", config.toString(),
        "--journal", options.workFolder().resolve("journal.db").toString(), "--secret-file", secretFile.toString(),
        "--broker-host", broker.host(), "--broker-port", Integer.toString(broker.port()));
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
