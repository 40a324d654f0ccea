package energy.dispatch.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.audit.AdminAudit;
import energy.dispatch.cloud.audit.EdgeEventLog;
import energy.dispatch.cloud.audit.RefusalLog;
import energy.dispatch.cloud.audit.TokenRefusalAudit;
import energy.dispatch.cloud.auth.DevTokens;
import energy.dispatch.cloud.auth.JwtVerifier;
import energy.dispatch.cloud.command.AckHandler;
import energy.dispatch.cloud.command.CommandService;
import energy.dispatch.cloud.command.CommandStore;
import energy.dispatch.cloud.command.Delivery;
import energy.dispatch.cloud.command.EdgeTraffic;
import energy.dispatch.cloud.command.LifecycleSweeper;
import energy.dispatch.cloud.command.RecentCommands;
import energy.dispatch.cloud.edges.CapabilityStore;
import energy.dispatch.cloud.edges.EdgeRegistry;
import energy.dispatch.cloud.edges.ServiceRegistry;
import energy.dispatch.cloud.grants.Grant;
import energy.dispatch.cloud.grants.GrantStore;
import energy.dispatch.cloud.internal.Database;
import energy.dispatch.cloud.internal.GroupCommitWriter;
import energy.dispatch.cloud.internal.HttpServer;
import energy.dispatch.cloud.internal.StartupException;
import energy.dispatch.cloud.internal.StripedExecutor;
import energy.dispatch.cloud.mqtt.CloudMqtt;
import energy.dispatch.cloud.mqtt.OptimizerIngress;
import energy.dispatch.cloud.mqtt.OptimizerResponses;
import energy.dispatch.cloud.mqtt.ResponseRoutes;
import energy.dispatch.cloud.ratelimit.RateLimiter;
import energy.dispatch.cloud.redis.DeliveryState;
import energy.dispatch.cloud.redis.RedisConnection;
import energy.dispatch.cloud.redis.StatusBus;
import energy.dispatch.cloud.rest.AdminRoutes;
import energy.dispatch.cloud.rest.RestApi;
import energy.dispatch.cloud.ws.SocketHub;
import energy.dispatch.cloud.ws.WsEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running cloud-api node: HTTP and the WebSocket, the command lifecycle, its MQTT side, over
 * PostgreSQL (migrated at start) and Redis. {@link #start(CloudSettings)} fails fast, naming what
 * cannot be reached. The in-process admin methods serve the launcher and tests. Thread-safe.
 */
public final class CloudApi implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CloudApi.class);

  private final CloudSettings settings;
  private final Deque<AutoCloseable> resources;
  private final HttpServer http;
  private final EdgeRegistry edges;
  private final ServiceRegistry services;
  private final GrantStore grants;
  private final CapabilityStore capabilities;
  private final DevTokens devTokens;

  private CloudApi(CloudSettings settings, Deque<AutoCloseable> resources, HttpServer http, EdgeRegistry edges,
      ServiceRegistry services, GrantStore grants, CapabilityStore capabilities, DevTokens devTokens) {
    this.settings = settings;
    this.resources = resources;
    this.http = http;
    this.edges = edges;
    this.services = services;
    this.grants = grants;
    this.capabilities = capabilities;
    this.devTokens = devTokens;
  }

  /**
   * Starts a node: migrates the database, connects Redis and the broker, then listens for HTTP.
   *
   * @throws StartupException naming what could not be reached or bound, and what to do
   */
  public static CloudApi start(CloudSettings settings) {
    LOG.info("Starting cloud-api {}", settings);
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      return wire(settings, resources, Clock.systemUTC());
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  private static CloudApi wire(CloudSettings settings, Deque<AutoCloseable> resources, Clock clock) {
    Database database = push(resources, Database.connectAndMigrate(settings));
    RedisConnection redis = push(resources, RedisConnection.connect(settings));
    StripedExecutor work = push(resources, new StripedExecutor(8, "dispatch-work"));
    GroupCommitWriter writer = push(resources, new GroupCommitWriter(database.jdbi(), 4, 5_000, work));

    EdgeRegistry edges = new EdgeRegistry(database.jdbi());
    ServiceRegistry services = new ServiceRegistry(database.jdbi());
    GrantStore grants = new GrantStore(database.jdbi());
    CapabilityStore capabilities = new CapabilityStore(database.jdbi());
    CommandStore store = new CommandStore(database.jdbi());
    SocketHub hub = new SocketHub(grants);
    StatusBus bus = push(resources, new StatusBus(redis, settings.nodeId(), hub));
    DeliveryState state = new DeliveryState(redis);

    CloudMqtt mqtt = push(resources, CloudMqtt.create(settings));
    ResponseRoutes routes = new ResponseRoutes(redis);
    OptimizerResponses sink = new OptimizerResponses(bus, routes, mqtt::publishResponse, grants);
    Delivery delivery = push(resources, new Delivery(store, writer, state, mqtt::publishCommand, sink, clock,
        settings.inFlightWindow()));
    Runnable presenceRefresh = () -> mqtt.refreshPresence().exceptionally(e -> {
      LOG.warn("Could not re-read edge presence from the broker; it updates as edges report", e);
      return null;
    });
    RecentCommands recent = new RecentCommands(50_000);
    AckHandler acks = new AckHandler(store, writer, delivery, sink, recent, clock);
    EdgeEventLog edgeEvents = new EdgeEventLog(database.jdbi(), writer);
    mqtt.connect(new EdgeTraffic(acks, edgeEvents, state, delivery, capabilities, mqtt::publishConfig,
        presenceRefresh));

    CommandService commands = new CommandService(settings, grants, edges, capabilities, store, writer, state, delivery,
        sink, new RefusalLog(writer), new RateLimiter(redis.client(), settings.redisKeyPrefix(), settings.rateLimits()),
        recent, clock);
    mqtt.takeServiceRequests(new OptimizerIngress(commands, routes, sink, settings));
    LifecycleSweeper sweeper = push(resources, new LifecycleSweeper(settings, store, state, delivery, sink, clock,
        presenceRefresh, mqtt::connectedFor));
    sweeper.start();

    JwtVerifier verifier = verifier(settings, clock);
    DevTokens devTokens = settings.demoMode() ? DevTokens.create(true, settings.jwtSecret(), clock) : null;
    TokenRefusalAudit tokenRefusals = push(resources, new TokenRefusalAudit(writer, clock,
        TokenRefusalAudit.DEFAULT_WINDOW, TokenRefusalAudit.DEFAULT_MAX_SOURCES));
    WsEndpoint ws = push(resources, new WsEndpoint(settings, verifier, tokenRefusals, commands, hub, clock));
    Supplier<Map<String, Boolean>> health = () -> Map.of("db", database.isHealthy(), "redis", redis.isHealthy(),
        "mqtt", mqtt.isConnected());
    RestApi rest = new RestApi(settings, verifier, tokenRefusals, commands,
        new AdminRoutes(settings, edges, services, grants, capabilities, state, edgeEvents, devTokens,
            new AdminAudit(writer, clock)), health);
    HttpServer http = push(resources, HttpServer.start(settings, app -> {
      app.ws("/ws", ws::configure);
      rest.register(app);
    }));
    LOG.info("cloud-api started nodeId={} listening on {}://{}:{} ws=/ws", settings.nodeId(), settings.httpScheme(),
        settings.httpHost(), http.port());
    return new CloudApi(settings, resources, http, edges, services, grants, capabilities, devTokens);
  }

  private static JwtVerifier verifier(CloudSettings settings, Clock clock) {
    try {
      return JwtVerifier.fromSettings(settings, clock);
    } catch (RuntimeException e) {
      throw new StartupException("cannot set up access token verification (DISPATCH_JWT_*): " + e.getMessage(), e);
    }
  }

  private static <T extends AutoCloseable> T push(Deque<AutoCloseable> resources, T resource) {
    resources.push(resource);
    return resource;
  }

  /** The port HTTP and the WebSocket listen on (the chosen one when the settings said 0). */
  public int httpPort() {
    return http.port();
  }

  /** {@code ws://host:port/ws}, or {@code wss://} when HTTPS is configured. */
  public String webSocketUrl() {
    return settings.httpScheme().replace("http", "ws") + "://" + settings.httpHost() + ":" + httpPort() + "/ws";
  }

  /** {@code http://host:port}, or {@code https://} when HTTPS is configured. */
  public String httpUrl() {
    return settings.httpScheme() + "://" + settings.httpHost() + ":" + httpPort();
  }

  public CloudSettings settings() {
    return settings;
  }

  /**
   * Registers the edge, or rotates its secret when it exists, and returns the secret (shown once;
   * only its hash is stored).
   */
  public String registerEdge(String edgeId, String siteId) {
    try {
      return edges.register(edgeId, siteId);
    } catch (EdgeRegistry.EdgeExistsException e) {
      LOG.info("Edge already registered, rotating its secret edgeId={}", edgeId);
      return edges.rotate(edgeId);
    }
  }

  /**
   * Registers an optimizer service, or gives it a new secret, and returns the secret (shown once).
   * It connects to the broker as {@code service:<name>}; its grants decide what it may command.
   */
  public String registerService(String serviceName) {
    try {
      return services.register(serviceName);
    } catch (ServiceRegistry.ServiceExistsException e) {
      LOG.info("Service already registered, rotating its secret serviceName={}", serviceName);
      return services.rotate(serviceName);
    }
  }

  /** Grants (or replaces) a principal's permissions on the edges matching {@code edgePattern}. */
  public void grant(String principal, String edgePattern, boolean canView, boolean canControl) {
    grants.grant(new Grant(principal, edgePattern, canView, canControl));
  }

  /**
   * Validates and stores a capability config as the edge's next version, which it returns.
   *
   * @throws energy.dispatch.schema.CapabilityConfig.InvalidConfigException listing every problem
   */
  public int storeCapabilityConfig(String edgeId, JsonNode document, String uploadedBy) {
    return capabilities.store(edgeId, document, uploadedBy);
  }

  /**
   * An access token for the user, valid for {@code validity}.
   *
   * @throws IllegalStateException unless the node runs in demo mode
   */
  public String mintDevToken(String userId, Duration validity) {
    if (devTokens == null) {
      throw new IllegalStateException("development tokens are minted only in demo mode (DISPATCH_DEMO=true)");
    }
    return devTokens.mint(userId, validity);
  }

  @Override
  public void close() {
    LOG.info("Stopping cloud-api nodeId={}", settings.nodeId());
    closeAll(resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      AutoCloseable resource = resources.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("Could not close {} cleanly; continuing shutdown", resource.getClass().getSimpleName(), e);
      }
    }
  }
}
