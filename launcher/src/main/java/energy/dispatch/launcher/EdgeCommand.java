package energy.dispatch.launcher;

import energy.dispatch.edge.EdgeAgent;
import energy.dispatch.edge.EdgeSettings;
import energy.dispatch.schema.tls.ClientTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch edge}: one edge agent. Its secret comes from {@code DISPATCH_EDGE_SECRET} or a
 * file, never from the command line, where other users of the machine could read it.
 */
@Command(name = "edge", mixinStandardHelpOptions = true, description = "Runs one edge agent.")
final class EdgeCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--edge-id", required = true, description = "the edge's id (its MQTT client id)")
  private String edgeId;

  @Option(names = "--config", required = true, description = "capability config file (rewritten by config sync)")
  private Path configFile;

  @Option(names = "--journal", required = true, description = "SQLite journal file (one agent per file)")
  private Path journalFile;

  @Option(names = "--secret-file", description = "file holding the edge's MQTT secret (default: env DISPATCH_EDGE_SECRET)")
  private Path secretFile;

  @Option(names = "--broker-host", defaultValue = "${env:DISPATCH_MQTT_HOST:-127.0.0.1}",
      description = "MQTT broker host (default ${DEFAULT-VALUE}; env DISPATCH_MQTT_HOST)")
  private String brokerHost;

  @Option(names = "--broker-port", defaultValue = "${env:DISPATCH_MQTT_PORT:-1883}",
      description = "MQTT broker port (default ${DEFAULT-VALUE}; env DISPATCH_MQTT_PORT)")
  private int brokerPort;

  @Option(names = "--broker-ca-file", defaultValue = "${env:DISPATCH_MQTT_CA_FILE}",
      description = "PEM file of the CAs of the broker's certificate: MQTT over TLS (env DISPATCH_MQTT_CA_FILE)")
  private Path brokerCaFile;

  @Option(names = "--broker-truststore", defaultValue = "${env:DISPATCH_MQTT_TRUSTSTORE}",
      description = "trust store instead, password in env DISPATCH_MQTT_TRUSTSTORE_PASSWORD "
          + "(env DISPATCH_MQTT_TRUSTSTORE)")
  private Path brokerTrustStore;

  @Option(names = "--broker-tls", defaultValue = "${env:DISPATCH_MQTT_TLS:-false}",
      description = "MQTT over TLS trusting the JVM's CAs, when the broker's certificate is from a public CA "
          + "(env DISPATCH_MQTT_TLS)")
  private boolean brokerTls;

  @Option(names = "--hold-sec", defaultValue = "900", description = "default hold of a setpoint in s (default ${DEFAULT-VALUE})")
  private int holdSeconds;

  @Option(names = "--queue", defaultValue = "100", description = "Core Cycle queue capacity (default ${DEFAULT-VALUE})")
  private int queueCapacity;

  @Option(names = "--keep-alive-sec", defaultValue = "${env:DISPATCH_EDGE_KEEP_ALIVE_SEC:-30}",
      description = "MQTT keep-alive in s: a vanished edge is offline after 1.5 times this (default ${DEFAULT-VALUE}; "
          + "env DISPATCH_EDGE_KEEP_ALIVE_SEC)")
  private int keepAliveSeconds;

  @Override
  public Integer call() throws Exception {
    EdgeSettings settings = new EdgeSettings(edgeId, secret(), brokerHost, brokerPort, configFile, journalFile,
        holdSeconds, queueCapacity, EdgeSettings.DEFAULT_STATE_REPORT_PERIOD, Clock.systemUTC(), true,
        keepAliveSeconds, brokerTrust());
    try (EdgeAgent agent = EdgeAgent.start(settings)) {
      spec.commandLine().getOut().println("edge " + edgeId + " started");
      spec.commandLine().getOut().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
      awaitStop(agent);
    }
    return 0;
  }

  /**
   * Returns when the agent is closed (the shutdown hook); throws when an in-place restart failed,
   * so that the process exits non-zero and its supervisor starts a fresh one.
   */
  private void awaitStop(EdgeAgent agent) {
    try {
      agent.stopped().join();
    } catch (CompletionException e) {
      throw new IllegalStateException("edge " + edgeId + " stopped because its restart failed; exiting so that"
          + " its supervisor starts it again", e.getCause());
    }
  }

  private Optional<ClientTrust> brokerTrust() {
    String prefix = EdgeSettings.BROKER_TRUST_PREFIX;
    return ClientTrust.select(prefix, brokerCaFile, brokerTrustStore, System.getenv(prefix + "_TRUSTSTORE_PASSWORD"),
        brokerTls);
  }

  private String secret() throws Exception {
    String secret = secretFile != null ? Files.readString(secretFile).trim() : System.getenv("DISPATCH_EDGE_SECRET");
    if (secret == null || secret.isBlank()) {
      throw new IllegalStateException("no edge secret: set DISPATCH_EDGE_SECRET or pass --secret-file");
    }
    return secret;
  }

}
