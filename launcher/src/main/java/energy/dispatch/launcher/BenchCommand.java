package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.launcher.bench.LatencyRun;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch bench}: starts the whole system (as the demo does, on free ports) and measures,
 * in one run against the same broker, the raw MQTT QoS 1 round trip and an emergency setpoint from
 * WebSocket submit to {@code executed}; writes p50, p99 and their ratios to a JSON file.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures emergency command latency against the raw MQTT round trip; writes JSON.",
    subcommands = EdgeFootprintCommand.class)
final class BenchCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--out", defaultValue = "bench-results/latency.json", description = "result file (default ${DEFAULT-VALUE})")
  private Path resultFile;

  @Option(names = "--samples", defaultValue = "300", description = "measured commands (default ${DEFAULT-VALUE})")
  private int samples;

  @Option(names = "--warmup", defaultValue = "50", description = "unmeasured commands first (default ${DEFAULT-VALUE})")
  private int warmup;

  @Override
  public Integer call() throws Exception {
    Path dataFolder = Files.createTempDirectory("dispatch-bench");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("DISPATCH_JWT_SECRET", CredentialHash.newSecret());
    try (Infrastructure infrastructure = Infrastructure.start(env, dataFolder)) {
      env.put("DATABASE_URL", infrastructure.databaseUrl());
      env.put("REDIS_URL", infrastructure.redisUrl());
      env.put("DISPATCH_HTTP_PORT", "0");
      env.put("DISPATCH_DEMO", "true");
      // The benchmark measures latency, not the rate limits, which would refuse it within a minute.
      env.putIfAbsent("DISPATCH_RATE_EMERGENCY_PER_PRINCIPAL", "1000000");
      env.putIfAbsent("DISPATCH_RATE_EMERGENCY_PER_EDGE", "1000000");
      CloudSettings settings = CloudSettings.fromEnvironment(env);
      try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(settings, 0, dataFolder,
          List.of("site1_edge_prod"), Path.of("config/sites")))) {
        ObjectNode result = new LatencyRun(system, "site1_edge_prod").run(warmup, samples);
        Files.createDirectories(resultFile.toAbsolutePath().getParent());
        Files.writeString(resultFile, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        spec.commandLine().getOut().println(result.toPrettyString());
        spec.commandLine().getOut().println("written to " + resultFile);
      }
    }
    return 0;
  }
}
