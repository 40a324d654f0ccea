package energy.dispatch.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.auth.DevTokens;
import energy.dispatch.cloud.edges.CapabilityStore;
import energy.dispatch.cloud.edges.EdgeRegistry;
import energy.dispatch.cloud.grants.Grant;
import energy.dispatch.cloud.grants.GrantStore;
import energy.dispatch.cloud.internal.Database;
import energy.dispatch.cloud.internal.HttpServer;
import energy.dispatch.cloud.internal.StartupException;
import energy.dispatch.cloud.redis.RedisConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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
  private final GrantStore grants;
  private final CapabilityStore capabilities;
  private final DevTokens devTokens;

  private CloudApi(CloudSettings settings, Deque<AutoCloseable> resources, HttpServer http, EdgeRegistry edges,
      GrantStore grants, CapabilityStore capabilities, DevTokens devTokens) {
    this.settings = settings;
    this.resources = resources;
    this.http = http;
    this.edges = edges;
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
      Database database = push(resources, Database.connectAndMigrate(settings));
      push(resources, RedisConnection.connect(settings));
      Clock clock = Clock.systemUTC();
      EdgeRegistry edges = new EdgeRegistry(database.jdbi());
      GrantStore grants = new GrantStore(database.jdbi());
      CapabilityStore capabilities = new CapabilityStore(database.jdbi());
      DevTokens devTokens = settings.demoMode() ? DevTokens.create(true, settings.jwtSecret(), clock) : null;
      HttpServer http = push(resources, HttpServer.start(settings, app -> app.get("/health", ctx ->
          ctx.json(java.util.Map.of("db", database.isHealthy())))));
      LOG.info("cloud-api started nodeId={} http={}:{}", settings.nodeId(), settings.httpHost(), http.port());
      return new CloudApi(settings, resources, http, edges, grants, capabilities, devTokens);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
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

  /** {@code ws://host:port/ws}. */
  public String webSocketUrl() {
    return "ws://" + settings.httpHost() + ":" + httpPort() + "/ws";
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
