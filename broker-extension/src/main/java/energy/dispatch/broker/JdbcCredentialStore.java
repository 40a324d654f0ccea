package energy.dispatch.broker;

import energy.dispatch.schema.ClientIds;
import energy.dispatch.schema.JdbcUrls;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edge and service credentials from the {@code edges} and {@code services} tables, cached in memory so no
 * broker thread ever waits on the database. {@link #start()} loads them and fails when the database is
 * unreachable; a daemon thread then reloads them every refresh interval. A failed refresh keeps the last
 * good credentials and logs a warning; a revoked or rotated credential is reported to the revocation
 * listeners. Starts once: after {@link #close()} it cannot start again. Thread-safe.
 */
public final class JdbcCredentialStore implements CredentialStore {

  public static final Duration DEFAULT_REFRESH = Duration.ofMillis(2000);

  private static final Logger LOG = LoggerFactory.getLogger(JdbcCredentialStore.class);
  private static final String ACTIVE_EDGES =
      "SELECT edge_id, secret_hash FROM edges WHERE secret_hash IS NOT NULL AND revoked_at IS NULL";
  private static final String ACTIVE_SERVICES =
      "SELECT service_name, secret_hash FROM services WHERE revoked_at IS NULL";
  private static final int QUERY_TIMEOUT_SECONDS = 10;

  static {
    // HiveMQ loads a packaged extension in a class loader of its own, which DriverManager's service
    // scan at JVM start never saw: register the driver from here.
    try {
      Class.forName("org.postgresql.Driver");
    } catch (ClassNotFoundException e) {
      LOG.warn("PostgreSQL JDBC driver not on the class path; only drivers registered elsewhere will work");
    }
  }

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String cloudSecretSha256;
  private final Duration refreshInterval;
  private final ScheduledExecutorService refresher;
  private volatile CredentialCache cache;
  private Connection connection;
  private final AtomicLong refreshFailures = new AtomicLong();
  private boolean lastRefreshFailed;
  /** Rows left out and already logged (reason and name), so a refresh every few seconds does not repeat them. */
  private final Set<List<String>> reportedIgnored = new HashSet<>();

  /**
   * @param cloudSecretSha256 the lowercase hex SHA-256 digest of the cloud's secret
   * @param refreshInterval how often the tables are read again; revocations take effect within it
   */
  public JdbcCredentialStore(String jdbcUrl, String user, String password, String cloudSecretSha256,
      Duration refreshInterval) {
    this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    CredentialSnapshot.requireSha256Hex(cloudSecretSha256);
    this.cloudSecretSha256 = cloudSecretSha256;
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refresh interval must be positive, was " + refreshInterval);
    }
    this.refreshInterval = refreshInterval;
    this.refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "dispatch-credential-refresh");
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public synchronized void start() {
    if (refresher.isShutdown()) {
      throw new IllegalStateException("this credential store was closed; create a new one to start again");
    }
    if (cache != null) {
      return;
    }
    try {
      cache = new CredentialCache(load());
    } catch (SQLException e) {
      closeConnection();
      throw new IllegalStateException("cannot load broker credentials from " + JdbcUrls.redacted(jdbcUrl)
          + ": check that PostgreSQL is reachable and the schema is migrated (" + e.getMessage() + ")", e);
    }
    CredentialSnapshot loaded = cache.current();
    LOG.info("Broker credentials loaded edges={} services={} refreshMs={}",
        loaded.edgeHashes().size(), loaded.serviceHashes().size(), refreshInterval.toMillis());
    long periodMs = refreshInterval.toMillis();
    refresher.scheduleWithFixedDelay(this::refresh, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public Optional<MqttPrincipal> authenticate(String clientId, String userName, byte[] secret) {
    CredentialCache current = cache;
    return current == null ? Optional.empty() : current.authenticate(clientId, userName, secret);
  }

  @Override
  public synchronized void onRevoked(Consumer<MqttPrincipal> listener) {
    if (cache == null) {
      throw new IllegalStateException("start the credential store before registering listeners");
    }
    cache.onRevoked(listener);
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    synchronized (this) {
      closeConnection();
    }
  }

  /** How many refreshes failed since start; each kept the credentials loaded before. */
  long refreshFailures() {
    return refreshFailures.get();
  }

  private synchronized void refresh() {
    try {
      cache.replace(load());
      if (lastRefreshFailed) {
        LOG.info("Broker credentials refresh recovered");
        lastRefreshFailed = false;
      }
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      lastRefreshFailed = true;
      refreshFailures.incrementAndGet();
      LOG.warn("Broker credentials refresh failed, keeping the last loaded credentials: {}", e.toString());
    }
  }

  private CredentialSnapshot load() throws SQLException {
    Connection db = connection();
    // TODO: reads every row on each refresh; at tens of thousands of edges an incremental read by
    // credential_version would cut the database load, at the cost of tracking deletions separately.
    Map<String, String> edges = readHashes(db, ACTIVE_EDGES, JdbcCredentialStore::edgeIdRule);
    Map<String, String> services = readHashes(db, ACTIVE_SERVICES, ClientIds::serviceNameRule);
    return new CredentialSnapshot(cloudSecretSha256, edges, services);
  }

  private Connection connection() throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = DriverManager.getConnection(jdbcUrl, user, password);
      connection.setReadOnly(true);
    }
    return connection;
  }

  /**
   * Reads name and hash rows, leaving out those whose name {@code rule} refuses (it says why): such a
   * principal could not be told apart from another by topic or client id, so it never logs in.
   */
  private Map<String, String> readHashes(Connection db, String sql, Function<String, Optional<String>> rule)
      throws SQLException {
    Map<String, String> hashes = new HashMap<>();
    try (PreparedStatement statement = db.prepareStatement(sql)) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          putValid(hashes, rows.getString(1), rows.getString(2), rule);
        }
      }
    }
    return hashes;
  }

  private void putValid(Map<String, String> hashes, String name, String hash,
      Function<String, Optional<String>> rule) {
    Optional<String> refused = rule.apply(name);
    if (refused.isEmpty()) {
      hashes.put(name, hash);
    } else if (reportedIgnored.add(List.of(refused.get(), name))) {
      LOG.warn("Ignoring a credential, its principal cannot log in name='{}' reason=\"{}\"", name, refused.get());
    }
  }

  private static Optional<String> edgeIdRule(String edgeId) {
    return MqttPrincipal.isValidName(edgeId)
        ? Optional.empty()
        : Optional.of("an edge id must be one MQTT topic level: 1-64 letters, digits, _ or -");
  }

  private void closeConnection() {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("Closing the credentials connection failed", e);
    }
    connection = null;
  }
}
