package energy.dispatch.launcher;

import energy.dispatch.cloud.CloudApi;
import energy.dispatch.cloud.CloudSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./dispatch cloud}: one cloud-api node, configured from the environment (see cloud-api/README.md). */
@Command(name = "cloud", mixinStandardHelpOptions = true,
    description = "Runs one cloud-api node; configuration from environment variables (cloud-api/README.md).")
final class CloudCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (CloudApi cloud = CloudApi.start(CloudSettings.fromEnvironment(System.getenv()))) {
      spec.commandLine().getOut().println("cloud listening on " + cloud.webSocketUrl());
      spec.commandLine().getOut().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(cloud::close));
      new CountDownLatch(1).await();
    }
    return 0;
  }
}
