package energy.dispatch.launcher;

import energy.dispatch.broker.BrokerStatus;
import energy.dispatch.broker.JdbcCredentialStore;
import energy.dispatch.broker.embedded.BrokerHealthEndpoint;
import energy.dispatch.broker.embedded.BrokerSettings;
import energy.dispatch.broker.embedded.BrokerStartException;
import energy.dispatch.broker.embedded.EmbeddedBroker;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.internal.Database;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.tls.ServerKeystore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch broker}: the embedded HiveMQ with the dispatch extension, alone. Credentials
 * come from the PostgreSQL of {@code DATABASE_URL}; the cloud's secret from
 * {@code DISPATCH_CLOUD_MQTT_SECRET}. The schema is migrated first, so the broker can start before
 * any cloud node. {@code GET /health} on {@code DISPATCH_BROKER_HEALTH_PORT} (default 8081, loopback)
 * says whether the broker admits clients and, if not, why.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Runs the MQTT broker with the dispatch extension (env: DATABASE_URL, DISPATCH_CLOUD_MQTT_SECRET, "
        + "DISPATCH_MQTT_PORT, DISPATCH_MQTT_KEYSTORE_PASSWORD, DISPATCH_MQTT_AUTH_FAILURE_DELAY_MS, "
        + "DISPATCH_BROKER_HEALTH_HOST, DISPATCH_BROKER_HEALTH_PORT).")
final class BrokerCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerCommand.class);

  @Spec
  private CommandSpec spec;

  @Option(names = "--data", defaultValue = "data/broker", description = "broker data folder (default ${DEFAULT-VALUE})")
  private Path dataFolder;

  @Option(names = "--bind-host", defaultValue = "${env:DISPATCH_MQTT_BIND_HOST:-127.0.0.1}",
      description = "address the listener binds (default ${DEFAULT-VALUE}; env DISPATCH_MQTT_BIND_HOST); "
          + "beyond loopback only with --keystore")
  private String bindHost;

  @Option(names = "--keystore", defaultValue = "${env:DISPATCH_MQTT_KEYSTORE}",
      description = "PKCS#12 or JKS key store of the broker's certificate: the listener then speaks only MQTT over "
          + "TLS; password in env DISPATCH_MQTT_KEYSTORE_PASSWORD (env DISPATCH_MQTT_KEYSTORE)")
  private Path keystore;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    String cloudSecret = require(env, "DISPATCH_CLOUD_MQTT_SECRET");
    int port = Ports.parse(BrokerSettings.PORT_SETTING, env.getOrDefault(BrokerSettings.PORT_SETTING, "1883"));
    // Before the database: a listener setting that is wrong costs nothing to report.
    BrokerSettings listener = listener(env, port).withEnvironment(env);
    CloudSettings database = CloudSettings.fromEnvironment(databaseSettings(env));
    BrokerStatus status = new BrokerStatus();
    try (BrokerHealthEndpoint health = BrokerHealthEndpoint.start(env, status)) {
      Optional<EmbeddedBroker> broker = start(listener, database, cloudSecret, status);
      broker.ifPresentOrElse(this::announce, () -> announceDown(status, health));
      broker.ifPresent(running -> Runtime.getRuntime().addShutdownHook(new Thread(running::close)));
      new CountDownLatch(1).await();
    }
    return 0;
  }

  /**
   * The running broker, or empty when it may not admit clients because the database or the extension
   * failed at start: {@code status} then says why, and the process stays up to answer health checks.
   */
  private static Optional<EmbeddedBroker> start(BrokerSettings listener, CloudSettings database, String cloudSecret,
      BrokerStatus status) {
    try {
      Database.connectAndMigrate(database).close();
    } catch (RuntimeException e) {
      status.failed("the broker's credential tables cannot be read: " + e.getMessage());
      LOG.error("MQTT broker not started, it admits no client: {}; mend the cause, then restart this process",
          status.failureReason().orElseThrow(), e);
      return Optional.empty();
    }
    // A DATABASE_URL without a password (trust or peer authentication, as in CI) is valid.
    String password = Objects.requireNonNullElse(database.databasePassword(), "");
    JdbcCredentialStore credentials = new JdbcCredentialStore(database.jdbcUrl(), database.databaseUser(),
        password, CredentialHash.hash(cloudSecret), Duration.ofSeconds(2));
    try {
      return Optional.of(EmbeddedBroker.start(listener, credentials, status));
    } catch (BrokerStartException e) {
      if (status.state() != BrokerStatus.State.FAILED) {
        throw e;
      }
      LOG.error("MQTT broker stopped, it admits no client: {}; mend the cause, then restart this process",
          e.getMessage());
      return Optional.empty();
    }
  }

  private void announce(EmbeddedBroker broker) {
    spec.commandLine().getOut().printf("broker listening on %s:%d%s%n", broker.host(), broker.port(),
        keystore == null ? "" : " (TLS)");
    spec.commandLine().getOut().flush();
  }

  private void announceDown(BrokerStatus status, BrokerHealthEndpoint health) {
    spec.commandLine().getErr().printf("broker admits no client: %s; %s answers 503 with this reason until stopped."
        + " Mend the cause, then restart this process: it does not try again by itself%n",
        status.failureReason().orElseThrow(), health.uri());
    spec.commandLine().getErr().flush();
  }

  /** Plain TCP on loopback, or TLS only with the key store; its password only from the environment. */
  private BrokerSettings listener(Map<String, String> env, int port) {
    BrokerSettings plain = BrokerSettings.defaults(dataFolder).withPort(port).withBindHost(bindHost);
    if (keystore == null) {
      return plain;
    }
    return plain.withTls(ServerKeystore.of(keystore, require(env, BrokerSettings.KEYSTORE_SETTING + "_PASSWORD")));
  }

  /** Only what names the database: the cloud's other settings, and their rules, are not the broker's. */
  private static Map<String, String> databaseSettings(Map<String, String> env) {
    Map<String, String> database = new HashMap<>();
    for (String name : List.of("DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD")) {
      if (env.containsKey(name)) {
        database.put(name, env.get(name));
      }
    }
    database.put("DISPATCH_JWT_SECRET", "unused-by-the-broker-but-required-by-the-settings");
    return database;
  }

  static String require(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(name + " is not set");
    }
    return value;
  }
}
