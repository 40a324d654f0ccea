package energy.dispatch.launcher.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.auth.DevTokens;
import energy.dispatch.cloud.edges.CapabilityStore;
import energy.dispatch.cloud.edges.EdgeRegistry;
import energy.dispatch.cloud.grants.Grant;
import energy.dispatch.cloud.grants.GrantStore;
import energy.dispatch.cloud.internal.Database;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.simulator.SiteModel;
import energy.dispatch.simulator.SiteSimulator;
import energy.dispatch.testing.FreePorts;
import energy.dispatch.testing.TestPostgres;
import energy.dispatch.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The system as separate processes on one PostgreSQL and one Redis: a broker JVM, one or more
 * cloud-api JVMs, and per edge a simulated site (in this JVM, so the test can count its device
 * writes) and an edge-agent JVM, optionally behind a {@link TcpProxy} to the broker. Ports are
 * fixed at creation so that a part restarted later comes back where the others expect it. Logs
 * go to {@code target/fault-logs/<test>/}. Not thread-safe: one test drives it.
 */
final class FaultSystem implements AutoCloseable {

  /** The operator whose token the tests use (the seed's {@code user_456}). */
  static final String OPERATOR_ID = "456";
  static final Pattern BROKER_READY = Pattern.compile("^broker listening on ");
  static final Pattern CLOUD_READY = Pattern.compile("^cloud listening on ");
  /** The demo site's config, from the repository root (benchmark runs) or the launcher module (tests). */
  private static final Path SITE_TEMPLATE = Files.exists(Path.of("config/sites/site1_edge_prod.json"))
      ? Path.of("config/sites/site1_edge_prod.json") : Path.of("../config/sites/site1_edge_prod.json");

  private final Path folder;
  private final Path logFolder;
  private final TestPostgres.Database database;
  private final String redisUrl;
  private final String redisPrefix;
  private final String jwtSecret = CredentialHash.newSecret();
  private final String cloudSecret = CredentialHash.newSecret();
  private final int mqttPort = FreePorts.next();
  private final Map<String, String> cloudEnvironment = new LinkedHashMap<>();
  private final Map<String, CloudNode> clouds = new LinkedHashMap<>();
  private final Map<String, EdgeSite> edges = new LinkedHashMap<>();
  private final Deque<AutoCloseable> parts = new ArrayDeque<>();
  private PartProcess broker;

  private FaultSystem(Path folder, String testName, String redisUrl) {
    this.folder = folder;
    this.logFolder = Path.of("target", "fault-logs", testName);
    this.database = TestPostgres.freshDatabase();
    this.redisUrl = redisUrl;
    this.redisPrefix = TestRedis.freshPrefix();
  }

  /** A system on the shared test Redis (under a prefix of its own). */
  static FaultSystem create(Path folder, String testName) {
    return new FaultSystem(folder, testName, TestRedis.url());
  }

  /** A system on the Redis at {@code redisUrl}, e.g. a private one the test kills. */
  static FaultSystem create(Path folder, String testName, String redisUrl) {
    return new FaultSystem(folder, testName, redisUrl);
  }

  /** Sets a cloud variable (e.g. {@code DISPATCH_DELIVERY_TIMEOUT_SEC}) for every node started after. */
  FaultSystem cloudSetting(String variable, String value) {
    cloudEnvironment.put(variable, value);
    return this;
  }

  TestPostgres.Database database() {
    return database;
  }

  Path logFolder() {
    return logFolder;
  }

  // --- parts

  PartProcess startBroker() {
    Map<String, String> env = databaseEnvironment();
    env.put("DISPATCH_CLOUD_MQTT_SECRET", cloudSecret);
    env.put("DISPATCH_MQTT_PORT", Integer.toString(mqttPort));
    env.put("DISPATCH_BROKER_HEALTH_PORT", "0");
    broker = push(new PartProcess("broker", List.of("broker", "--data", folder.resolve("broker").toString()), env,
        BROKER_READY, logFolder, PartProcess.SERVER_HEAP));
    return broker.start();
  }

  PartProcess broker() {
    return broker;
  }

  /** Starts a cloud-api node on a port of its own; it stays on that port across restarts. */
  CloudNode startCloud(String nodeId) {
    int httpPort = FreePorts.next();
    Map<String, String> env = databaseEnvironment();
    env.put("DISPATCH_REDIS_PREFIX", redisPrefix);
    env.put("DISPATCH_HTTP_HOST", "127.0.0.1");
    env.put("DISPATCH_HTTP_PORT", Integer.toString(httpPort));
    env.put("DISPATCH_JWT_SECRET", jwtSecret);
    env.put("DISPATCH_MQTT_HOST", "127.0.0.1");
    env.put("DISPATCH_MQTT_PORT", Integer.toString(mqttPort));
    env.put("DISPATCH_CLOUD_MQTT_SECRET", cloudSecret);
    env.put("DISPATCH_NODE_ID", nodeId);
    env.put("DISPATCH_DEMO", "true");
    env.putAll(cloudEnvironment);
    PartProcess process = push(new PartProcess("cloud-" + nodeId, List.of("cloud"), env, CLOUD_READY, logFolder,
        PartProcess.SERVER_HEAP));
    CloudNode node = new CloudNode(nodeId, process, new CloudClient(httpPort, operatorToken()));
    clouds.put(nodeId, node);
    process.start();
    return node;
  }

  CloudNode cloud(String nodeId) {
    return clouds.get(nodeId);
  }

  /**
   * Registers an edge, grants the operator, stores its capability config and starts its simulated
   * site; the edge process is created, not started.
   *
   * @param viaProxy whether the edge reaches the broker through a link the test can cut
   */
  EdgeSite addEdge(String edgeId, boolean viaProxy) {
    try {
      SiteSimulator simulator = push(SiteSimulator.start(0, SiteModel.demo()));
      Path edgeFolder = Files.createDirectories(folder.resolve("edges").resolve(edgeId));
      JsonNode config = siteConfig(edgeId, simulator.port());
      Path configFile = edgeFolder.resolve("capability-config.json");
      Files.writeString(configFile, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(config));
      String secret = register(edgeId, config);
      TcpProxy proxy = viaProxy ? push(TcpProxy.start(0, mqttPort)) : null;
      int brokerPort = proxy != null ? proxy.port() : mqttPort;
      Map<String, String> env = new LinkedHashMap<>();
      env.put("DISPATCH_EDGE_SECRET", secret);
      env.put("DISPATCH_MQTT_HOST", "127.0.0.1");
      PartProcess process = push(new PartProcess("edge-" + edgeId, List.of("edge", "--edge-id", edgeId,
          "--config", configFile.toString(), "--journal", edgeFolder.resolve("journal.db").toString(),
          "--broker-port", Integer.toString(brokerPort)), env, Pattern.compile("^edge \\S+ started"), logFolder,
          PartProcess.EDGE_HEAP));
      EdgeSite site = new EdgeSite(edgeId, simulator, process, proxy);
      edges.put(edgeId, site);
      return site;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the site of edge " + edgeId, e);
    }
  }

  EdgeSite edge(String edgeId) {
    return edges.get(edgeId);
  }

  String operatorToken() {
    return DevTokens.create(true, jwtSecret, Clock.systemUTC()).mint(OPERATOR_ID, Duration.ofHours(2));
  }

  // --- preparation in PostgreSQL, as an operator would do through the admin API

  private String register(String edgeId, JsonNode config) {
    try (Database db = Database.connectAndMigrate(settings())) {
      String secret = new EdgeRegistry(db.jdbi()).register(edgeId, edgeId.split("_", 2)[0]);
      new GrantStore(db.jdbi()).grant(new Grant("user:" + OPERATOR_ID, edgeId, true, true));
      new CapabilityStore(db.jdbi()).store(edgeId, config, "fault-test");
      return secret;
    }
  }

  private CloudSettings settings() {
    return CloudSettings.builder()
        .jwtSecret(jwtSecret)
        .database(database.jdbcUrl(), database.user(), database.password())
        .redisUrl(redisUrl)
        .mqttSecret(cloudSecret)
        .build();
  }

  private static JsonNode siteConfig(String edgeId, int modbusPort) throws IOException {
    ObjectNode config = (ObjectNode) Json.mapper().readTree(SITE_TEMPLATE.toFile());
    config.put("edge_id", edgeId);
    config.withArray("devices")
        .forEach(device -> ((ObjectNode) device).put("host", "127.0.0.1").put("port", modbusPort));
    return config;
  }

  private Map<String, String> databaseEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DATABASE_URL", database.jdbcUrl());
    env.put("DATABASE_USER", database.user());
    if (!database.password().isEmpty()) {
      env.put("DATABASE_PASSWORD", database.password());
    }
    env.put("REDIS_URL", redisUrl);
    return env;
  }

  private <T extends AutoCloseable> T push(T part) {
    parts.push(part);
    return part;
  }

  /** Kills every process (SIGKILL) and stops the simulators and proxies. */
  @Override
  public void close() {
    while (!parts.isEmpty()) {
      try {
        parts.pop().close();
      } catch (Exception e) {
        // the rest still has to go
      }
    }
  }

  /** One cloud-api node: its process and a REST client of the operator on it. */
  record CloudNode(String nodeId, PartProcess process, CloudClient api) {}

  /** One site: the simulated devices, the edge agent process, and its link to the broker when cut-able. */
  record EdgeSite(String edgeId, SiteSimulator simulator, PartProcess agent, TcpProxy link) {}
}
