package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.broker.JdbcCredentialStore;
import energy.dispatch.broker.BrokerStatus;
import energy.dispatch.broker.embedded.BrokerHealthEndpoint;
import energy.dispatch.broker.embedded.BrokerSettings;
import energy.dispatch.broker.embedded.EmbeddedBroker;
import energy.dispatch.cloud.CloudApi;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.internal.Database;
import energy.dispatch.edge.EdgeAgent;
import energy.dispatch.edge.EdgeSettings;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.ServerKeystore;
import energy.dispatch.simulator.SiteModel;
import energy.dispatch.simulator.SiteSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one process, on servers given by URL: the embedded broker with the
 * extension, one cloud-api node, and per edge a simulated site and an edge agent. The quick start
 * and the end-to-end tests run this same wiring.
 */
public final class LocalSystem implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalSystem.class);
  /** The operator of the demo (the seed's {@code user_456}). */
  public static final String DEMO_USER_ID = "456";

  private final Deque<AutoCloseable> parts = new ArrayDeque<>();
  private final Map<String, Site> sites = new LinkedHashMap<>();
  private EmbeddedBroker broker;
  private Optional<BrokerHealthEndpoint> brokerHealth = Optional.empty();
  private CloudApi cloud;
  private String cloudSecret;

  private LocalSystem() {}

  /**
   * What to start. {@code cloudSettings} names the database, Redis, HTTP port (and HTTPS) and JWT
   * secret; its MQTT port, secret and trust are replaced by those of the broker started here.
   * {@code brokerEnvironment} may set the broker's failed-login delay and, by naming its port, start
   * its health endpoint.
   */
  public record Options(CloudSettings cloudSettings, int mqttPort, Path dataFolder, List<String> edgeIds,
      Path siteConfigFolder, Optional<MqttTls> mqttTls, Map<String, String> brokerEnvironment) {

    /** The parts speak plain MQTT, on loopback. */
    public Options(CloudSettings cloudSettings, int mqttPort, Path dataFolder, List<String> edgeIds,
        Path siteConfigFolder) {
      this(cloudSettings, mqttPort, dataFolder, edgeIds, siteConfigFolder, Optional.empty());
    }

    /** The broker with its defaults and no health endpoint. */
    public Options(CloudSettings cloudSettings, int mqttPort, Path dataFolder, List<String> edgeIds,
        Path siteConfigFolder, Optional<MqttTls> mqttTls) {
      this(cloudSettings, mqttPort, dataFolder, edgeIds, siteConfigFolder, mqttTls, Map.of());
    }
  }

  /** MQTT over TLS between the parts: the broker's certificate, and what the cloud and the edges trust. */
  public record MqttTls(ServerKeystore brokerKeystore, ClientTrust trust) {}

  /** One demo site: its simulator and the agent that drives it. */
  public record Site(String edgeId, SiteSimulator simulator, EdgeAgent agent, Path capabilityConfig) {}

  public static LocalSystem start(Options options) {
    LocalSystem system = new LocalSystem();
    try {
      system.startAll(options);
      return system;
    } catch (RuntimeException | Error e) {
      system.close();
      throw e;
    }
  }

  private void startAll(Options options) {
    cloudSecret = CredentialHash.newSecret();
    CloudSettings base = options.cloudSettings();
    Map<String, String> edgeSecrets = prepareDatabase(base, options);
    BrokerSettings brokerSettings = BrokerSettings.defaults(options.dataFolder().resolve("broker"))
        .withPort(options.mqttPort()).withEnvironment(options.brokerEnvironment());
    BrokerStatus brokerStatus = new BrokerStatus();
    if (options.brokerEnvironment().containsKey(BrokerHealthEndpoint.PORT_SETTING)) {
      brokerHealth = Optional.of(push(BrokerHealthEndpoint.start(options.brokerEnvironment(), brokerStatus)));
    }
    broker = push(EmbeddedBroker.start(
        options.mqttTls().map(tls -> brokerSettings.withTls(tls.brokerKeystore())).orElse(brokerSettings),
        new JdbcCredentialStore(base.jdbcUrl(), base.databaseUser(), base.databasePassword(),
            CredentialHash.hash(cloudSecret), JdbcCredentialStore.DEFAULT_REFRESH), brokerStatus));
    cloud = push(CloudApi.start(base.toBuilder().mqttHost(broker.host()).mqttPort(broker.port())
        .mqttSecret(cloudSecret).mqttTrust(options.mqttTls().map(MqttTls::trust).orElse(null)).build()));
    for (String edgeId : options.edgeIds()) {
      startSite(edgeId, edgeSecrets.get(edgeId), options);
    }
  }

  /** Migrates, registers each edge with a fresh secret, grants the demo operator, stores configs. */
  private static Map<String, String> prepareDatabase(CloudSettings settings, Options options) {
    Map<String, String> secrets = new LinkedHashMap<>();
    try (Database database = Database.connectAndMigrate(settings)) {
      var edges = new energy.dispatch.cloud.edges.EdgeRegistry(database.jdbi());
      var grants = new energy.dispatch.cloud.grants.GrantStore(database.jdbi());
      for (String edgeId : options.edgeIds()) {
        secrets.put(edgeId, edges.exists(edgeId) ? edges.rotate(edgeId) : edges.register(edgeId, siteOf(edgeId)));
        grants.grant(new energy.dispatch.cloud.grants.Grant("user:" + DEMO_USER_ID, edgeId, true, true));
      }
    }
    return secrets;
  }

  private void startSite(String edgeId, String secret, Options options) {
    try {
      SiteSimulator simulator = push(SiteSimulator.start(0, SiteModel.demo()));
      Path edgeFolder = Files.createDirectories(options.dataFolder().resolve("edges").resolve(edgeId));
      JsonNode config = siteConfig(options.siteConfigFolder().resolve(edgeId + ".json"), simulator.port());
      Path configFile = edgeFolder.resolve("capability-config.json");
      Files.writeString(configFile, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(config));
      cloud.storeCapabilityConfig(edgeId, config, "launcher");
      EdgeSettings plain = EdgeSettings.of(edgeId, secret, broker.host(), broker.port(), configFile,
          edgeFolder.resolve("journal.db"));
      EdgeAgent agent = push(EdgeAgent.start(
          options.mqttTls().map(tls -> plain.withBrokerTrust(tls.trust())).orElse(plain)));
      sites.put(edgeId, new Site(edgeId, simulator, agent, configFile));
      LOG.info("Site started edgeId={} modbusPort={}", edgeId, simulator.port());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the site of edge " + edgeId, e);
    }
  }

  /** The site's capability config with every device pointed at the simulator's port. */
  public static JsonNode siteConfig(Path template, int modbusPort) throws IOException {
    if (!Files.exists(template)) {
      throw new IllegalStateException("no capability config for the site at " + template);
    }
    ObjectNode config = (ObjectNode) Json.mapper().readTree(template.toFile());
    config.withArray("devices").forEach(device -> ((ObjectNode) device).put("host", "127.0.0.1").put("port", modbusPort));
    return config;
  }

  private static String siteOf(String edgeId) {
    int cut = edgeId.indexOf('_');
    return cut > 0 ? edgeId.substring(0, cut) : edgeId;
  }

  private <T extends AutoCloseable> T push(T part) {
    parts.push(part);
    return part;
  }

  public CloudApi cloud() {
    return cloud;
  }

  /** The broker's health endpoint, when {@link Options#brokerEnvironment()} names its port. */
  public Optional<BrokerHealthEndpoint> brokerHealth() {
    return brokerHealth;
  }

  public EmbeddedBroker broker() {
    return broker;
  }

  public Site site(String edgeId) {
    Site site = sites.get(edgeId);
    if (site == null) {
      throw new IllegalArgumentException("no site for edge " + edgeId);
    }
    return site;
  }

  /**
   * Registers an edge without starting a site for it, and returns its secret; the broker admits it
   * once its credential cache refreshed (within seconds).
   */
  public String registerBareEdge(String edgeId) {
    return cloud.registerEdge(edgeId, siteOf(edgeId));
  }

  /** The secret the cloud authenticates to the broker with (for tools that act as the cloud). */
  public String cloudMqttSecret() {
    return cloudSecret;
  }

  /** A development token of the demo operator (demo mode only). */
  public String operatorToken(Duration validity) {
    return cloud.mintDevToken(DEMO_USER_ID, validity);
  }

  @Override
  public void close() {
    while (!parts.isEmpty()) {
      AutoCloseable part = parts.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn("{} did not stop cleanly; continuing shutdown", part.getClass().getSimpleName(), e);
      }
    }
  }
}
