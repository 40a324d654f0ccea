package energy.dispatch.launcher;

import energy.dispatch.simulator.SiteModel;
import energy.dispatch.simulator.SiteSimulator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ./dispatch simulator}: one simulated site as a Modbus TCP server, until killed. */
@Command(name = "simulator", mixinStandardHelpOptions = true,
    description = "Runs a simulated site (battery, grid meter, PV, load) as a Modbus TCP server.")
final class SimulatorCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--port", description = "Modbus TCP port on 127.0.0.1 (0 = any free one; default ${DEFAULT-VALUE})",
      defaultValue = "5020")
  private int port;

  @Option(names = "--soc", description = "initial state of charge in %% (default ${DEFAULT-VALUE})", defaultValue = "50")
  private double socPercent;

  @Override
  public Integer call() throws Exception {
    SiteModel model = SiteModel.demo();
    model.setSocPercent(socPercent);
    try (SiteSimulator simulator = SiteSimulator.start(Ports.choose("--port", Integer.toString(port), 0), model)) {
      spec.commandLine().getOut().printf("simulator listening on 127.0.0.1:%d%n", simulator.port());
      spec.commandLine().getOut().flush();
      new CountDownLatch(1).await();
    }
    return 0;
  }
}
