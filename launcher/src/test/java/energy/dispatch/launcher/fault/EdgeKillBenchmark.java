package energy.dispatch.launcher.fault;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.launcher.fault.EdgeKillTrials.Outcome;
import energy.dispatch.launcher.fault.EdgeKillTrials.Result;
import energy.dispatch.launcher.fault.EdgeKillTrials.Trial;
import energy.dispatch.launcher.fault.FaultSystem.EdgeSite;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The long edge-kill run, a benchmark rather than a test: {@code --trials} (default 100) seeded
 * trials of {@link EdgeKillTrials} against a broker, a cloud-api and an edge agent as processes,
 * with the counts per kill point written as JSON to {@code --out} (default
 * {@code bench-results/edge-kill-trials.json}). Exits 1 when any invariant broke. Servers as in the
 * tests: {@code DATABASE_URL} and {@code REDIS_URL} when set, else embedded ones.
 */
public final class EdgeKillBenchmark {

  private EdgeKillBenchmark() {}

  public static void main(String[] args) throws Exception {
    int trials = 100;
    long seed = 20_260_215L;
    Path out = Path.of("bench-results", "edge-kill-trials.json");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--trials" -> trials = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--trials, --seed, --out)");
      }
    }
    ObjectNode report = run(trials, seed, new PrintStream(System.out, true, StandardCharsets.UTF_8));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
    System.out.println("edge kill trials: " + report.path("totals") + " -> " + out.toAbsolutePath());
    System.exit(report.path("totals").path("violations").asInt() == 0 ? 0 : 1);
  }

  static ObjectNode run(int trials, long seed, PrintStream progress) throws IOException {
    Instant started = Instant.now();
    List<Result> results = new ArrayList<>();
    Path folder = Files.createTempDirectory("edge-kill-trials");
    PartProcess.snapshotClassPath(folder.resolve("classpath"));
    try (FaultSystem system = FaultSystem.create(folder, "EdgeKillBenchmark")
        .cloudSetting("DISPATCH_DELIVERY_TIMEOUT_SEC", "120")) {
      EdgeSite site = system.addEdge("site1_edge_trials", false);
      system.startBroker();
      CloudClient api = system.startCloud("node-1").api();
      EdgeKillTrials runner = new EdgeKillTrials(site, api, new CommandAudit(system.database()));
      Random random = new Random(seed);
      for (int number = 1; number <= trials; number++) {
        Result result = runner.run(Trial.draw(random, number));
        results.add(result);
        progress.printf("trial %d/%d point=%s n=%d commands=%d died=%s outcomes=%s violations=%d%n", number, trials,
            result.trial().point(), result.trial().timesReached(), result.outcomes().size(), result.died(),
            result.outcomes().stream().map(o -> o.status() + "/" + o.writes()).toList(), result.violations().size());
      }
    }
    return report(seed, started, results);
  }

  static ObjectNode report(long seed, Instant started, List<Result> results) {
    ObjectNode report = Json.mapper().createObjectNode();
    report.put("benchmark", "edge-kill-trials").put("seed", seed).put("trials", results.size())
        .put("started_at", started.toString())
        .put("duration_sec", Duration.between(started, Instant.now()).toSeconds());
    ObjectNode byPoint = report.putObject("by_point");
    EdgeKillTrials.POINTS.forEach(point -> byPoint.set(point,
        counts(results.stream().filter(r -> r.trial().point().equals(point)).toList())));
    report.set("totals", counts(results));
    ArrayNode violations = report.putArray("violation_details");
    results.forEach(result -> result.violations().forEach(text -> violations.add(
        "trial " + result.trial().number() + " (" + result.trial().point() + "): " + text)));
    return report;
  }

  private static ObjectNode counts(List<Result> results) {
    List<Outcome> outcomes = results.stream().flatMap(r -> r.outcomes().stream()).toList();
    ObjectNode counts = Json.mapper().createObjectNode();
    counts.put("trials", results.size());
    counts.put("agent_died_at_point", results.stream().filter(Result::died).count());
    counts.put("commands", outcomes.size());
    counts.put("executed", outcomes.stream().filter(o -> o.status().equals("executed")).count());
    counts.put("failed_outcome_unknown", outcomes.stream()
        .filter(o -> o.status().equals("failed") && o.errorCode().equals("outcome_unknown")).count());
    counts.put("written_once", outcomes.stream().filter(o -> o.writes() == 1).count());
    counts.put("written_never", outcomes.stream().filter(o -> o.writes() == 0).count());
    counts.put("written_more_than_once", outcomes.stream().filter(o -> o.writes() > 1).count());
    counts.put("violations", results.stream().mapToLong(r -> r.violations().size()).sum());
    return counts;
  }
}
