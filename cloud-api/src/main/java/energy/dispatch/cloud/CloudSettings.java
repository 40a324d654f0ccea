package energy.dispatch.cloud;

import energy.dispatch.cloud.ratelimit.RateLimits;
import energy.dispatch.schema.ClientIds;
import energy.dispatch.schema.DedupeWindow;
import energy.dispatch.schema.JdbcUrls;
import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.Loopback;
import energy.dispatch.schema.tls.ServerKeystore;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Everything a cloud-api node needs to start, parsed once and immutable. Built from the
 * environment by {@link #fromEnvironment(Map)} or, in tests and the launcher, with
 * {@link #builder()}. The JWT secret and passwords never appear in {@link #toString()}.
 *
 * @param httpPort 0 means any free port
 * @param jwtSecret the HS256 key of the access tokens (at least 32 bytes); needed when HS256 is accepted
 *     or in demo mode, which mints HS256 development tokens
 * @param redisKeyPrefix prepended to every Redis key and channel, ending in a colon
 * @param mqttSecret the cloud's broker credential; it connects as user {@code cloud}, client id
 *     {@code cloud-<nodeId>}
 * @param demoMode allows minting development tokens
 * @param deliveryTimeout from {@code sent} to the edge's {@code delivered} ack
 * @param resultGrace after {@code expires_at}, how long a delivered command waits for its result
 * @param inFlightWindow commands per edge sent but not yet delivered
 * @param outboxCapacity commands per edge queued in the cloud
 * @param maxPayloadBytes the largest request body or WebSocket message accepted
 * @param adminUserIds user ids (the token's {@code user_id}) allowed to use the admin API
 * @param jwtAlgorithms the signature algorithms access tokens may use: {@code HS256}, {@code RS256} or both
 * @param jwtPublicKeyFile PEM public key that verifies RS256 tokens without a {@code kid}; may be null
 * @param jwtJwksUri key set ({@code https://}, {@code http://} or {@code file:}) selected by {@code kid}; may be null
 * @param jwtIssuer the {@code iss} every token must carry; null checks none
 * @param jwtAudience the {@code aud} every token must carry; null checks none
 * @param jwtLeeway clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 * @param rateLimits commands per window per principal and per edge
 * @param httpsKeystore the certificate HTTPS and WSS are served with; without it plain HTTP, allowed on
 *     loopback only
 * @param mqttTrust what the broker's certificate is checked against; without it plain MQTT, allowed
 *     only to a broker on loopback
 */
public record CloudSettings(
    String httpHost,
    int httpPort,
    String jwtSecret,
    String jdbcUrl,
    String databaseUser,
    String databasePassword,
    String redisUrl,
    String redisKeyPrefix,
    String mqttHost,
    int mqttPort,
    String mqttSecret,
    String nodeId,
    boolean demoMode,
    Duration deliveryTimeout,
    Duration defaultExpiry,
    Duration maxExpiry,
    Duration defaultHold,
    Duration resultGrace,
    int inFlightWindow,
    int outboxCapacity,
    int maxPayloadBytes,
    Set<String> adminUserIds,
    Set<String> jwtAlgorithms,
    Path jwtPublicKeyFile,
    URI jwtJwksUri,
    String jwtIssuer,
    String jwtAudience,
    Duration jwtLeeway,
    RateLimits rateLimits,
    Optional<ServerKeystore> httpsKeystore,
    Optional<ClientTrust> mqttTrust) {

  public static final String MQTT_USERNAME = "cloud";
  /** The signature algorithms a deployment can choose from; anything else is refused at start. */
  public static final Set<String> SUPPORTED_JWT_ALGORITHMS = Set.of("HS256", "RS256");
  /** The environment setting naming the HTTPS key store; error messages point at it. */
  public static final String HTTPS_KEYSTORE_SETTING = "DISPATCH_HTTPS_KEYSTORE";
  /** The prefix of the settings of the broker's trusted certificates ({@link ClientTrust#fromSettings}). */
  public static final String MQTT_TRUST_PREFIX = "DISPATCH_MQTT";

  public CloudSettings {
    Objects.requireNonNull(httpHost, "httpHost");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl: set DATABASE_URL");
    Objects.requireNonNull(redisUrl, "redisUrl: set REDIS_URL");
    Objects.requireNonNull(mqttHost, "mqttHost");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(jwtLeeway, "jwtLeeway");
    Objects.requireNonNull(rateLimits, "rateLimits");
    Objects.requireNonNull(httpsKeystore, "httpsKeystore");
    Objects.requireNonNull(mqttTrust, "mqttTrust");
    adminUserIds = Set.copyOf(adminUserIds);
    jwtAlgorithms = Set.copyOf(jwtAlgorithms);
    // Demo mode mints HS256 development tokens, so it needs the secret even when only RS256 is accepted.
    boolean secretNeeded = jwtAlgorithms.contains("HS256") || demoMode;
    List<String> problems = problems(httpPort, secretNeeded, jwtSecret, mqttPort, deliveryTimeout, defaultExpiry,
        maxExpiry, inFlightWindow, outboxCapacity, maxPayloadBytes);
    problems.addAll(jwtProblems(jwtAlgorithms, jwtPublicKeyFile, jwtJwksUri, jwtLeeway));
    problems.addAll(plainTextProblems(httpHost, httpsKeystore, mqttHost, mqttTrust));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid cloud settings: " + String.join("; ", problems));
    }
  }

  private static List<String> problems(int httpPort, boolean secretNeeded, String jwtSecret, int mqttPort,
      Duration deliveryTimeout, Duration defaultExpiry, Duration maxExpiry, int inFlightWindow, int outboxCapacity,
      int maxPayloadBytes) {
    List<String> problems = new ArrayList<>();
    if (httpPort < 0 || httpPort > 65535) {
      problems.add("DISPATCH_HTTP_PORT=" + httpPort + " is not a port (0-65535)");
    }
    if (mqttPort < 1 || mqttPort > 65535) {
      problems.add("DISPATCH_MQTT_PORT=" + mqttPort + " is not a port (1-65535)");
    }
    if (secretNeeded && (jwtSecret == null || jwtSecret.getBytes(StandardCharsets.UTF_8).length < 32)) {
      problems.add("DISPATCH_JWT_SECRET must be set and at least 32 bytes long (HS256 needs a 256-bit key)");
    }
    if (deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
      problems.add("DISPATCH_DELIVERY_TIMEOUT_SEC must be positive");
    }
    if (defaultExpiry.compareTo(maxExpiry) > 0) {
      problems.add("DISPATCH_DEFAULT_EXPIRY_SEC (" + defaultExpiry.toSeconds()
          + ") exceeds DISPATCH_MAX_EXPIRY_SEC (" + maxExpiry.toSeconds() + ")");
    }
    if (maxExpiry.compareTo(DedupeWindow.EDGE) > 0) {
      // a command alive after the edge forgot it could be re-published and written a second time
      problems.add("DISPATCH_MAX_EXPIRY_SEC (" + maxExpiry.toSeconds() + ") exceeds the edges' dedupe window of "
          + DedupeWindow.EDGE.toSeconds() + " s (" + DedupeWindow.EDGE.toDays() + " days); set it to at most "
          + DedupeWindow.EDGE.toSeconds());
    }
    if (inFlightWindow < 1 || outboxCapacity < 1 || maxPayloadBytes < 1024) {
      problems.add("DISPATCH_INFLIGHT_WINDOW and DISPATCH_OUTBOX_CAPACITY must be at least 1, "
          + "DISPATCH_MAX_PAYLOAD_BYTES at least 1024");
    }
    return problems;
  }

  private static List<String> jwtProblems(Set<String> algorithms, Path publicKeyFile, URI jwksUri, Duration leeway) {
    List<String> problems = new ArrayList<>();
    if (algorithms.isEmpty() || !SUPPORTED_JWT_ALGORITHMS.containsAll(algorithms)) {
      problems.add("DISPATCH_JWT_ALGORITHMS=" + new TreeSet<>(algorithms) + " must name HS256, RS256 or both");
    }
    if (algorithms.contains("RS256") && publicKeyFile == null && jwksUri == null) {
      problems.add("RS256 needs DISPATCH_JWT_PUBLIC_KEY_FILE or DISPATCH_JWT_JWKS_URL");
    }
    if (jwksUri != null && !List.of("https", "http", "file").contains(String.valueOf(jwksUri.getScheme()))) {
      problems.add("DISPATCH_JWT_JWKS_URL must be an https://, http:// or file: URL");
    }
    if (leeway.isNegative() || leeway.toSeconds() > 300) {
      problems.add("DISPATCH_JWT_LEEWAY_SEC must be from 0 to 300");
    }
    return problems;
  }

  /** Plain HTTP and plain MQTT carry tokens, secrets and commands in the clear: loopback only. */
  private static List<String> plainTextProblems(String httpHost, Optional<ServerKeystore> httpsKeystore,
      String mqttHost, Optional<ClientTrust> mqttTrust) {
    List<String> problems = new ArrayList<>();
    if (httpsKeystore.isEmpty() && !Loopback.isLoopback(httpHost)) {
      problems.add("DISPATCH_HTTP_HOST=" + httpHost + " is not a loopback address, where plain HTTP would carry "
          + "access tokens in the clear: set " + HTTPS_KEYSTORE_SETTING + " and " + HTTPS_KEYSTORE_SETTING
          + "_PASSWORD, or bind to 127.0.0.1");
    }
    if (mqttTrust.isEmpty() && !Loopback.isLoopback(mqttHost)) {
      problems.add("DISPATCH_MQTT_HOST=" + mqttHost + " is not a loopback address, where plain MQTT would carry "
          + "the cloud's secret and every command in the clear: set " + MQTT_TRUST_PREFIX + "_CA_FILE, "
          + MQTT_TRUST_PREFIX + "_TRUSTSTORE (with " + MQTT_TRUST_PREFIX + "_TRUSTSTORE_PASSWORD) or "
          + MQTT_TRUST_PREFIX + "_TLS=true");
    }
    return problems;
  }

  /**
   * Reads the settings from environment variables (see the module README for the table).
   *
   * @throws IllegalArgumentException naming every variable that is wrong
   */
  public static CloudSettings fromEnvironment(Map<String, String> env) {
    EnvReader read = new EnvReader(env);
    Builder builder = builder()
        .httpHost(read.text("DISPATCH_HTTP_HOST", "127.0.0.1"))
        .httpPort(read.integer("DISPATCH_HTTP_PORT", 8080))
        .jwtSecret(env.get("DISPATCH_JWT_SECRET"))
        .redisUrl(read.text("REDIS_URL", "redis://127.0.0.1:6379"))
        .redisKeyPrefix(read.text("DISPATCH_REDIS_PREFIX", "dispatch:"))
        .mqttHost(read.text("DISPATCH_MQTT_HOST", "127.0.0.1"))
        .mqttPort(read.integer("DISPATCH_MQTT_PORT", 1883))
        .mqttSecret(env.get("DISPATCH_CLOUD_MQTT_SECRET"))
        .nodeId(read.text("DISPATCH_NODE_ID", installationNodeId(env)))
        .demoMode(Boolean.parseBoolean(read.text("DISPATCH_DEMO", "false")))
        .deliveryTimeout(Duration.ofSeconds(read.integer("DISPATCH_DELIVERY_TIMEOUT_SEC", 10)))
        .defaultExpiry(Duration.ofSeconds(read.integer("DISPATCH_DEFAULT_EXPIRY_SEC", 86_400)))
        .maxExpiry(Duration.ofSeconds(read.integer("DISPATCH_MAX_EXPIRY_SEC", 604_800)))
        .defaultHold(Duration.ofSeconds(read.integer("DISPATCH_DEFAULT_HOLD_SEC", 900)))
        .resultGrace(Duration.ofSeconds(read.integer("DISPATCH_RESULT_GRACE_SEC", 60)))
        .inFlightWindow(read.integer("DISPATCH_INFLIGHT_WINDOW", 16))
        .outboxCapacity(read.integer("DISPATCH_OUTBOX_CAPACITY", 1000))
        .maxPayloadBytes(read.integer("DISPATCH_MAX_PAYLOAD_BYTES", 65_536))
        .adminUserIds(read.list("DISPATCH_ADMIN_USERS"))
        .jwtAlgorithms(read.list("DISPATCH_JWT_ALGORITHMS", Set.of("HS256")))
        .jwtPublicKeyFile(read.path("DISPATCH_JWT_PUBLIC_KEY_FILE"))
        .jwtJwksUri(read.uri("DISPATCH_JWT_JWKS_URL"))
        .jwtIssuer(read.text("DISPATCH_JWT_ISSUER", null))
        .jwtAudience(read.text("DISPATCH_JWT_AUDIENCE", null))
        .jwtLeeway(Duration.ofSeconds(read.integer("DISPATCH_JWT_LEEWAY_SEC", 30)));
    read.rateLimits(builder);
    read.database(builder);
    read.tls(builder);
    read.throwIfProblems();
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to change a few. */
  public Builder toBuilder() {
    return new Builder().httpHost(httpHost).httpPort(httpPort).jwtSecret(jwtSecret)
        .database(jdbcUrl, databaseUser, databasePassword).redisUrl(redisUrl).redisKeyPrefix(redisKeyPrefix)
        .mqttHost(mqttHost).mqttPort(mqttPort).mqttSecret(mqttSecret).nodeId(nodeId).demoMode(demoMode)
        .deliveryTimeout(deliveryTimeout).defaultExpiry(defaultExpiry).maxExpiry(maxExpiry).defaultHold(defaultHold)
        .resultGrace(resultGrace).inFlightWindow(inFlightWindow).outboxCapacity(outboxCapacity)
        .maxPayloadBytes(maxPayloadBytes).adminUserIds(adminUserIds).jwtAlgorithms(jwtAlgorithms)
        .jwtPublicKeyFile(jwtPublicKeyFile).jwtJwksUri(jwtJwksUri).jwtIssuer(jwtIssuer).jwtAudience(jwtAudience)
        .jwtLeeway(jwtLeeway).rateLimits(rateLimits).httpsKeystore(httpsKeystore.orElse(null))
        .mqttTrust(mqttTrust.orElse(null));
  }

  /** {@code https} when HTTPS is configured, else {@code http}; {@code wss} and {@code ws} for sockets. */
  public String httpScheme() {
    return httpsKeystore.isPresent() ? "https" : "http";
  }

  /** The MQTT client id of this node. */
  public String mqttClientId() {
    return ClientIds.cloud(nodeId);
  }

  /** Whether the principal {@code user:<id>} may use the admin API. */
  public boolean isAdmin(String principal) {
    return principal.startsWith("user:") && adminUserIds.contains(principal.substring(5));
  }

  @Override
  public String toString() {
    return "CloudSettings[http=" + httpHost + ":" + httpPort + ", db=" + JdbcUrls.redacted(jdbcUrl)
        + ", redis=" + redactedRedisUrl()
        + ", mqtt=" + mqttHost + ":" + mqttPort + ", nodeId=" + nodeId + ", demoMode=" + demoMode
        + ", deliveryTimeout=" + deliveryTimeout + ", defaultExpiry=" + defaultExpiry + ", maxExpiry=" + maxExpiry
        + ", inFlightWindow=" + inFlightWindow + ", outboxCapacity=" + outboxCapacity
        + ", jwtAlgorithms=" + new TreeSet<>(jwtAlgorithms) + ", jwtJwks=" + jwtJwksUri + ", rateLimits=" + rateLimits
        + ", https=" + httpsKeystore.map(Object::toString).orElse("off") + ", mqttTls="
        + mqttTrust.map(Object::toString).orElse("off") + "]";
  }

  private String redactedRedisUrl() {
    int at = redisUrl.lastIndexOf('@');
    int scheme = redisUrl.indexOf("://");
    return at < 0 || scheme < 0 ? redisUrl : redisUrl.substring(0, scheme + 3) + "***" + redisUrl.substring(at);
  }

  /**
   * The node id of this installation when none is set: the host name and the HTTP port, so a node
   * restarted on the same machine resumes its own MQTT session instead of leaving a dead one behind.
   * A node on "any free port" (0) has no stable identity and gets a random id.
   */
  static String installationNodeId(Map<String, String> env) {
    String port = env.getOrDefault("DISPATCH_HTTP_PORT", "8080").trim();
    if (port.equals("0")) {
      return defaultNodeId();
    }
    String host = env.getOrDefault("HOSTNAME", "").trim();
    if (host.isEmpty()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "unknown-host";
      }
    }
    String safe = (host + "-" + port).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return "node-" + safe.substring(0, Math.min(safe.length(), 60));
  }

  private static String defaultNodeId() {
    return "node-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Mutable, single-threaded; {@link #build()} validates. Defaults are those of the README. */
  public static final class Builder {
    private String httpHost = "127.0.0.1";
    private int httpPort = 8080;
    private String jwtSecret;
    private String jdbcUrl;
    private String databaseUser;
    private String databasePassword;
    private String redisUrl;
    private String redisKeyPrefix = "dispatch:";
    private String mqttHost = "127.0.0.1";
    private int mqttPort = 1883;
    private String mqttSecret;
    private String nodeId = defaultNodeId();
    private boolean demoMode;
    private Duration deliveryTimeout = Duration.ofSeconds(10);
    private Duration defaultExpiry = Duration.ofHours(24);
    private Duration maxExpiry = Duration.ofDays(7);
    private Duration defaultHold = Duration.ofSeconds(900);
    private Duration resultGrace = Duration.ofSeconds(60);
    private int inFlightWindow = 16;
    private int outboxCapacity = 1000;
    private int maxPayloadBytes = 65_536;
    private Set<String> adminUserIds = Set.of();
    private Set<String> jwtAlgorithms = Set.of("HS256");
    private Path jwtPublicKeyFile;
    private URI jwtJwksUri;
    private String jwtIssuer;
    private String jwtAudience;
    private Duration jwtLeeway = Duration.ofSeconds(30);
    private RateLimits rateLimits = RateLimits.defaults();
    private ServerKeystore httpsKeystore;
    private ClientTrust mqttTrust;

    private Builder() {}

    public Builder httpHost(String value) {
      httpHost = value;
      return this;
    }

    public Builder httpPort(int value) {
      httpPort = value;
      return this;
    }

    public Builder jwtSecret(String value) {
      jwtSecret = value;
      return this;
    }

    /** A JDBC URL ({@code jdbc:postgresql://host:port/db}) with its user and password. */
    public Builder database(String jdbcUrlValue, String user, String password) {
      jdbcUrl = jdbcUrlValue;
      databaseUser = user;
      databasePassword = password;
      return this;
    }

    /** {@code postgresql://user:pass@host:port/db} or {@code jdbc:postgresql://...}, as in DATABASE_URL. */
    public Builder databaseUrl(String url) {
      DatabaseUrl parsed = DatabaseUrl.parse(url);
      return database(parsed.jdbcUrl(), parsed.user(), parsed.password());
    }

    public Builder redisUrl(String value) {
      redisUrl = value;
      return this;
    }

    public Builder redisKeyPrefix(String value) {
      redisKeyPrefix = value;
      return this;
    }

    public Builder mqttHost(String value) {
      mqttHost = value;
      return this;
    }

    public Builder mqttPort(int value) {
      mqttPort = value;
      return this;
    }

    public Builder mqttSecret(String value) {
      mqttSecret = value;
      return this;
    }

    public Builder nodeId(String value) {
      nodeId = value;
      return this;
    }

    public Builder demoMode(boolean value) {
      demoMode = value;
      return this;
    }

    public Builder deliveryTimeout(Duration value) {
      deliveryTimeout = value;
      return this;
    }

    public Builder defaultExpiry(Duration value) {
      defaultExpiry = value;
      return this;
    }

    public Builder maxExpiry(Duration value) {
      maxExpiry = value;
      return this;
    }

    public Builder defaultHold(Duration value) {
      defaultHold = value;
      return this;
    }

    public Builder resultGrace(Duration value) {
      resultGrace = value;
      return this;
    }

    public Builder inFlightWindow(int value) {
      inFlightWindow = value;
      return this;
    }

    public Builder outboxCapacity(int value) {
      outboxCapacity = value;
      return this;
    }

    public Builder maxPayloadBytes(int value) {
      maxPayloadBytes = value;
      return this;
    }

    public Builder adminUserIds(Set<String> value) {
      adminUserIds = value;
      return this;
    }

    /** {@code HS256}, {@code RS256} or both; never taken from a token. Default HS256. */
    public Builder jwtAlgorithms(Set<String> value) {
      jwtAlgorithms = value;
      return this;
    }

    public Builder jwtPublicKeyFile(Path value) {
      jwtPublicKeyFile = value;
      return this;
    }

    public Builder jwtJwksUri(URI value) {
      jwtJwksUri = value;
      return this;
    }

    public Builder jwtIssuer(String value) {
      jwtIssuer = value;
      return this;
    }

    public Builder jwtAudience(String value) {
      jwtAudience = value;
      return this;
    }

    /** Default 30 s. */
    public Builder jwtLeeway(Duration value) {
      jwtLeeway = value;
      return this;
    }

    /** Default {@link RateLimits#defaults()}. */
    public Builder rateLimits(RateLimits value) {
      rateLimits = value;
      return this;
    }

    /** Serves HTTPS and WSS with this certificate; null (the default) serves plain HTTP, on loopback only. */
    public Builder httpsKeystore(ServerKeystore value) {
      httpsKeystore = value;
      return this;
    }

    /** Connects to the broker over TLS, trusting these certificates; null (the default) is plain MQTT. */
    public Builder mqttTrust(ClientTrust value) {
      mqttTrust = value;
      return this;
    }

    public CloudSettings build() {
      return new CloudSettings(httpHost, httpPort, jwtSecret, jdbcUrl, databaseUser, databasePassword, redisUrl,
          redisKeyPrefix, mqttHost, mqttPort, mqttSecret, nodeId, demoMode, deliveryTimeout, defaultExpiry,
          maxExpiry, defaultHold, resultGrace, inFlightWindow, outboxCapacity, maxPayloadBytes, adminUserIds,
          jwtAlgorithms, jwtPublicKeyFile, jwtJwksUri, jwtIssuer, jwtAudience, jwtLeeway, rateLimits,
          Optional.ofNullable(httpsKeystore), Optional.ofNullable(mqttTrust));
    }
  }

  /** A PostgreSQL address split into the JDBC URL, user and password. */
  record DatabaseUrl(String jdbcUrl, String user, String password) {

    /** Reads {@code postgresql://user:pass@host:port/db?opts}, {@code postgres://...} or {@code jdbc:postgresql://...}. */
    static DatabaseUrl parse(String url) {
      if (url.startsWith("jdbc:")) {
        return new DatabaseUrl(url, null, null);
      }
      URI uri = URI.create(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new IllegalArgumentException("DATABASE_URL must start with postgresql://, postgres:// or jdbc:postgresql://");
      }
      String user = null;
      String password = null;
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = decode(parts[0]);
        password = parts.length > 1 ? decode(parts[1]) : null;
      }
      int port = uri.getPort() < 0 ? 5432 : uri.getPort();
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      return new DatabaseUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query, user, password);
    }

    private static String decode(String part) {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    }
  }

  /** Reads variables and collects every problem, so one start reports them all. */
  private static final class EnvReader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvReader(Map<String, String> env) {
      this.env = env;
    }

    String text(String name, String fallback) {
      String value = env.get(name);
      return value == null || value.isBlank() ? fallback : value.trim();
    }

    int integer(String name, int fallback) {
      String value = env.get(name);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        problems.add(name + "='" + value + "' is not a whole number");
        return fallback;
      }
    }

    Set<String> list(String name) {
      return list(name, Set.of());
    }

    Set<String> list(String name, Set<String> fallback) {
      String value = env.get(name);
      if (value == null || value.isBlank()) {
        return fallback;
      }
      return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    Path path(String name) {
      String value = text(name, null);
      return value == null ? null : Path.of(value);
    }

    URI uri(String name) {
      String value = text(name, null);
      try {
        return value == null ? null : URI.create(value);
      } catch (IllegalArgumentException e) {
        problems.add(name + " is not a URL: " + e.getMessage());
        return null;
      }
    }

    void rateLimits(Builder builder) {
      try {
        builder.rateLimits(new RateLimits(
            Duration.ofSeconds(integer("DISPATCH_RATE_WINDOW_SEC", (int) RateLimits.DEFAULT_WINDOW.toSeconds())),
            integer("DISPATCH_RATE_PER_PRINCIPAL", RateLimits.DEFAULT_PER_PRINCIPAL),
            integer("DISPATCH_RATE_PER_EDGE", RateLimits.DEFAULT_PER_EDGE),
            integer("DISPATCH_RATE_EMERGENCY_PER_PRINCIPAL", RateLimits.DEFAULT_EMERGENCY_PER_PRINCIPAL),
            integer("DISPATCH_RATE_EMERGENCY_PER_EDGE", RateLimits.DEFAULT_EMERGENCY_PER_EDGE)));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }

    void database(Builder builder) {
      String url = env.get("DATABASE_URL");
      if (url == null || url.isBlank()) {
        problems.add("DATABASE_URL is not set (postgresql://user:pass@host:port/db or jdbc:postgresql://...)");
        return;
      }
      try {
        DatabaseUrl parsed = DatabaseUrl.parse(url.trim());
        builder.database(parsed.jdbcUrl(), text("DATABASE_USER", parsed.user()),
            text("DATABASE_PASSWORD", parsed.password()));
      } catch (IllegalArgumentException e) {
        problems.add("DATABASE_URL cannot be read: " + e.getMessage());
      }
    }

    void tls(Builder builder) {
      String keystore = text(HTTPS_KEYSTORE_SETTING, null);
      String password = text(HTTPS_KEYSTORE_SETTING + "_PASSWORD", null);
      if (keystore != null && password == null) {
        problems.add(HTTPS_KEYSTORE_SETTING + "_PASSWORD must be set with " + HTTPS_KEYSTORE_SETTING);
      } else if (keystore != null) {
        builder.httpsKeystore(ServerKeystore.of(Path.of(keystore), password));
      }
      try {
        builder.mqttTrust(ClientTrust.fromSettings(MQTT_TRUST_PREFIX, env).orElse(null));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }

    void throwIfProblems() {
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("invalid cloud settings: " + String.join("; ", problems));
      }
    }
  }
}
