package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.launcher.bench.EdgeFootprintRun;
import energy.dispatch.schema.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch bench edge-footprint}: the edge agent in its own JVM, as {@code ./dispatch edge}
 * runs it, against a broker and a simulated site; writes start time, heap and cycle start lateness
 * with the budget and a pass or fail per figure to a JSON file.
 */
@Command(name = "edge-footprint", mixinStandardHelpOptions = true,
    description = "Measures the edge agent's start time, heap and cycle lateness against its budget; writes JSON.")
final class EdgeFootprintCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--out", defaultValue = "bench-results/edge-footprint.json",
      description = "result file (default ${DEFAULT-VALUE})")
  private Path resultFile;

  @Option(names = "--cycles", defaultValue = "300",
      description = "Core Cycles to run before the heap is read, at the config's period (default ${DEFAULT-VALUE})")
  private int cycles;

  @Option(names = "--command-every", defaultValue = "10",
      description = "seconds between setpoints sent to the agent; 0 leaves its cycle idle (default ${DEFAULT-VALUE})")
  private int commandEverySeconds;

  @Option(names = "--site-config", defaultValue = "config/sites/site1_edge_prod.json",
      description = "capability config the agent runs (default ${DEFAULT-VALUE})")
  private Path siteConfig;

  @Override
  public Integer call() throws Exception {
    validate();
    Path workFolder = Files.createTempDirectory("dispatch-edge-footprint");
    ObjectNode result = new EdgeFootprintRun(new EdgeFootprintRun.Options(cycles, commandEverySeconds, siteConfig,
        workFolder)).run();
    Files.createDirectories(resultFile.toAbsolutePath().getParent());
    Files.writeString(resultFile, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    spec.commandLine().getOut().println(result.toPrettyString());
    spec.commandLine().getOut().println("written to " + resultFile + "; the agent's log is in " + workFolder);
    return 0;
  }

  private void validate() {
    if (cycles < 1) {
      throw new ParameterException(spec.commandLine(), "--cycles must be at least 1, was " + cycles);
    }
    if (commandEverySeconds < 0) {
      throw new ParameterException(spec.commandLine(),
          "--command-every must be 0 (no commands) or a number of seconds, was " + commandEverySeconds);
    }
    if (!Files.isRegularFile(siteConfig)) {
      throw new ParameterException(spec.commandLine(), "--site-config " + siteConfig + " is not a readable file");
    }
  }
}
