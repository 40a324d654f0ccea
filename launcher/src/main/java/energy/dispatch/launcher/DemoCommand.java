package energy.dispatch.launcher;

import energy.dispatch.broker.embedded.BrokerHealthEndpoint;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.schema.CredentialHash;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch demo}: the whole system on one machine, on embedded defaults, until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Runs the whole system on this machine: broker, PostgreSQL, Redis, cloud, two simulated sites.")
final class DemoCommand implements Callable<Integer> {

  static final List<String> DEMO_EDGES = List.of("site1_edge_prod", "site2_edge_prod");

  @Spec
  private CommandSpec spec;

  @Option(names = "--data", defaultValue = "data", description = "folder for the demo's data (default ${DEFAULT-VALUE})")
  private Path dataFolder;

  @Option(names = "--sites", defaultValue = "config/sites",
      description = "folder of the sites' capability configs (default ${DEFAULT-VALUE})")
  private Path siteConfigFolder;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    int httpPort = Ports.choose("DISPATCH_HTTP_PORT", env.get("DISPATCH_HTTP_PORT"), 8080);
    int mqttPort = Ports.choose("DISPATCH_MQTT_PORT", env.get("DISPATCH_MQTT_PORT"), 1883);
    int healthPort = Ports.choose(BrokerHealthEndpoint.PORT_SETTING, env.get(BrokerHealthEndpoint.PORT_SETTING),
        BrokerHealthEndpoint.DEFAULT_PORT);
    boolean secretGiven = env.get("DISPATCH_JWT_SECRET") != null && !env.get("DISPATCH_JWT_SECRET").isBlank();
    if (!secretGiven) {
      env.put("DISPATCH_JWT_SECRET", CredentialHash.newSecret());
    }
    Infrastructure infrastructure = Infrastructure.start(env, dataFolder.toAbsolutePath());
    LocalSystem system;
    try {
      env.put("DATABASE_URL", infrastructure.databaseUrl());
      env.put("REDIS_URL", infrastructure.redisUrl());
      env.put("DISPATCH_HTTP_PORT", Integer.toString(httpPort));
      env.put("DISPATCH_DEMO", "true");
      env.putIfAbsent("DISPATCH_ADMIN_USERS", LocalSystem.DEMO_USER_ID);
      // One stable name, so a restarted demo resumes its MQTT session instead of leaving a dead one behind.
      env.putIfAbsent("DISPATCH_NODE_ID", "demo");
      CloudSettings cloudSettings = CloudSettings.fromEnvironment(env);
      env.put(BrokerHealthEndpoint.PORT_SETTING, Integer.toString(healthPort));
      system = LocalSystem.start(new LocalSystem.Options(cloudSettings, mqttPort, dataFolder.toAbsolutePath(),
          DEMO_EDGES, siteConfigFolder, Optional.empty(), env));
    } catch (RuntimeException | Error e) {
      infrastructure.close();
      throw e;
    }
    // Ctrl-C and SIGTERM: the parts first, then the servers they use.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      system.close();
      infrastructure.close();
    }, "dispatch-demo-stop"));
    printWelcome(system, secretGiven);
    new CountDownLatch(1).await();
    return 0;
  }

  private void printWelcome(LocalSystem system, boolean secretGiven) {
    PrintWriter out = spec.commandLine().getOut();
    String token = system.operatorToken(Duration.ofHours(12));
    out.println();
    out.println("Command Dispatch demo is running.");
    out.println("  WebSocket:  " + system.cloud().webSocketUrl());
    out.println("  REST:       " + httpBase(system) + "/api/v1");
    out.println("  MQTT:       " + system.broker().host() + ":" + system.broker().port());
    system.brokerHealth().ifPresent(health -> out.println("  broker health: " + health.uri()));
    for (String edgeId : DEMO_EDGES) {
      out.println("  edge " + edgeId + " drives the simulated site on Modbus TCP port "
          + system.site(edgeId).simulator().port());
    }
    out.println();
    out.println("Development token of user 456 (can_control on both edges, and the administrator), valid 12 h"
        + (secretGiven ? "" : ", signed with a secret made for this run: tokens of earlier runs no longer work")
        + ":");
    out.println(token);
    out.println();
    out.println("Try:  DISPATCH_TOKEN=<token> ./dispatch send --url " + system.cloud().webSocketUrl()
        + " --edge site1_edge_prod --device bms_main --channel SetActivePower --value 50000 --unit W");
    out.println("      DISPATCH_TOKEN=<token> ./dispatch admin list-services --api " + httpBase(system));
    out.println("The edges run the configs in " + dataFolder.resolve("edges") + "/<edge>/capability-config.json "
        + "(Modbus ports rewritten to the simulators').");
    out.println("Stop with Ctrl-C.");
    out.flush();
  }

  private static String httpBase(LocalSystem system) {
    return "http://127.0.0.1:" + system.cloud().httpPort();
  }
}
