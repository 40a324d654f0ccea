package energy.dispatch.cloud.auth;

import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA signing keys of a JSON Web Key Set by {@code kid}, read from an {@code https://},
 * {@code http://} or {@code file:} URL. A {@code kid} that is not in the set refreshes it, but at
 * most once per refresh interval however many callers ask, so a flood of made-up {@code kid}s
 * cannot hammer the key server; a failed refresh keeps the keys loaded before. A set older than
 * {@link #MAX_AGE} is refreshed on its next use, so a key the issuer withdrew stops verifying
 * within that time. Thread-safe.
 */
final class JwksKeySet {

  static final Duration DEFAULT_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
  static final Duration MAX_AGE = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(JwksKeySet.class);
  private static final int MAX_BYTES = 1 << 20;
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

  private final URI uri;
  private final Clock clock;
  private final Duration minRefreshInterval;
  private final HttpClient http;
  private volatile Map<String, PublicKey> keysById;
  private volatile Instant loadedAt;
  private Instant lastRefreshAttempt; // guarded by this

  private JwksKeySet(URI uri, Clock clock, Duration minRefreshInterval) {
    this.uri = uri;
    this.clock = clock;
    this.minRefreshInterval = minRefreshInterval;
    // The JDK client cannot set TCP_NODELAY; it writes each small GET request at once, so Nagle never delays it.
    this.http = "file".equals(uri.getScheme()) ? null
        : HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Loads the set once; fails rather than start with no keys.
   *
   * @throws UncheckedIOException when the set cannot be read or holds no RSA signing key
   */
  static JwksKeySet load(URI uri, Clock clock, Duration minRefreshInterval) {
    JwksKeySet keySet = new JwksKeySet(uri, clock, minRefreshInterval);
    try {
      keySet.keysById = keySet.fetch();
      keySet.loadedAt = clock.instant();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the JWT key set from " + keySet.where()
          + " (DISPATCH_JWT_JWKS_URL): " + e.getMessage() + "; check the URL and that the key server answers", e);
    }
    keySet.lastRefreshAttempt = clock.instant();
    LOG.info("Loaded JWT key set from {} kids={}", keySet.where(), keySet.keysById.keySet());
    return keySet;
  }

  /** The key with this {@code kid}, refreshing the set once (rate-limited) when it is not known. */
  Optional<PublicKey> find(String kid) {
    refreshIfStale();
    PublicKey key = keysById.get(kid);
    if (key == null) {
      refreshIfDue();
      key = keysById.get(kid);
    }
    return Optional.ofNullable(key);
  }

  /** The key of a set that holds exactly one, for tokens without {@code kid}. */
  Optional<PublicKey> onlyKey() {
    refreshIfStale();
    Map<String, PublicKey> keys = keysById;
    return keys.size() == 1 ? keys.values().stream().findFirst() : Optional.empty();
  }

  private void refreshIfStale() {
    if (clock.instant().isAfter(loadedAt.plus(MAX_AGE))) {
      refreshIfDue();
    }
  }

  private synchronized void refreshIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(lastRefreshAttempt.plus(minRefreshInterval))) {
      return;
    }
    lastRefreshAttempt = now;
    try {
      keysById = fetch();
      loadedAt = now;
      LOG.info("Refreshed JWT key set from {} kids={}", where(), keysById.keySet());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot refresh JWT key set from {}; keeping the {} keys loaded before", where(), keysById.size(), e);
    }
  }

  private Map<String, PublicKey> fetch() throws IOException {
    String json = "file".equals(uri.getScheme()) ? readFile() : download();
    Map<String, PublicKey> keys = rsaSigningKeys(json);
    if (keys.isEmpty()) {
      throw new IOException("the key set holds no RSA signing key with a kid");
    }
    return Map.copyOf(keys);
  }

  private String readFile() throws IOException {
    Path path = Path.of(uri);
    if (Files.size(path) > MAX_BYTES) {
      throw new IOException("the key set file is larger than " + MAX_BYTES + " bytes");
    }
    return Files.readString(path, StandardCharsets.UTF_8);
  }

  private String download() throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).header("Accept", "application/json").GET()
        .build();
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException("the key server answered HTTP " + response.statusCode());
        }
        byte[] bytes = body.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw new IOException("the key set is larger than " + MAX_BYTES + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching the key set", e);
    }
  }

  private static Map<String, PublicKey> rsaSigningKeys(String json) throws IOException {
    JwkSet set;
    try {
      set = Jwks.setParser().ignoreUnsupported(true).build().parse(json);
    } catch (RuntimeException e) {
      throw new IOException("the key set is not a JSON Web Key Set: " + e.getMessage(), e);
    }
    Map<String, PublicKey> keys = new HashMap<>();
    for (Jwk<?> jwk : set.getKeys()) {
      if (isRsaSigningKey(jwk)) {
        keys.put(jwk.getId(), (PublicKey) jwk.toKey());
      }
    }
    return keys;
  }

  private static boolean isRsaSigningKey(Jwk<?> jwk) {
    return jwk instanceof PublicJwk<?> publicJwk
        && jwk.getId() != null
        && jwk.toKey() instanceof RSAPublicKey
        && (publicJwk.getPublicKeyUse() == null || "sig".equals(publicJwk.getPublicKeyUse()))
        && (jwk.getAlgorithm() == null || "RS256".equals(jwk.getAlgorithm()));
  }

  /** The URL without query or fragment, which may carry a credential. */
  private String where() {
    return uri.getScheme() + "://" + (uri.getAuthority() == null ? "" : uri.getHost() + portSuffix()) + uri.getPath();
  }

  private String portSuffix() {
    return uri.getPort() < 0 ? "" : ":" + uri.getPort();
  }
}
