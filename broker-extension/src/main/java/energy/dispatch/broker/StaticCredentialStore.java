package energy.dispatch.broker;

import energy.dispatch.schema.ClientIds;
import energy.dispatch.schema.CredentialHash;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Credentials held in memory and changed by code: for tests, and for a demo that registers its edges
 * programmatically. Revoking or replacing a credential tells the revocation listeners, as a database
 * refresh would. Thread-safe.
 */
public final class StaticCredentialStore implements CredentialStore {

  private final CredentialCache cache;

  /** A store that knows only the cloud, by the SHA-256 hex digest of its secret. */
  public StaticCredentialStore(String cloudSecretSha256) {
    this.cache = new CredentialCache(new CredentialSnapshot(cloudSecretSha256, Map.of(), Map.of()));
  }

  /** A store that knows only the cloud, given its secret in the clear (hashed here, never kept). */
  public static StaticCredentialStore withCloudSecret(String cloudSecret) {
    return new StaticCredentialStore(CredentialHash.hash(cloudSecret));
  }

  /** Accepts {@code edgeId} with the secret whose SHA-256 hex digest is given; replaces any earlier one. */
  public StaticCredentialStore putEdge(String edgeId, String secretSha256) {
    if (!MqttPrincipal.isValidName(edgeId)) {
      throw new IllegalArgumentException("not a valid edge id: '" + edgeId + "' (1-64 of A-Z a-z 0-9 _ -)");
    }
    change(snapshot -> {
      Map<String, String> edges = new HashMap<>(snapshot.edgeHashes());
      edges.put(edgeId, secretSha256);
      return new CredentialSnapshot(snapshot.cloudSecretSha256(), edges, snapshot.serviceHashes());
    });
    return this;
  }

  /** Accepts service {@code serviceName} with the secret whose SHA-256 hex digest is given. */
  public StaticCredentialStore putService(String serviceName, String secretSha256) {
    ClientIds.serviceNameRule(serviceName).ifPresent(rule -> {
      throw new IllegalArgumentException("not a valid service name: '" + serviceName + "': " + rule);
    });
    change(snapshot -> {
      Map<String, String> services = new HashMap<>(snapshot.serviceHashes());
      services.put(serviceName, secretSha256);
      return new CredentialSnapshot(snapshot.cloudSecretSha256(), snapshot.edgeHashes(), services);
    });
    return this;
  }

  /** Forgets the edge's credential; its live session is disconnected through the listeners. */
  public void revokeEdge(String edgeId) {
    change(snapshot -> {
      Map<String, String> edges = new HashMap<>(snapshot.edgeHashes());
      edges.remove(edgeId);
      return new CredentialSnapshot(snapshot.cloudSecretSha256(), edges, snapshot.serviceHashes());
    });
  }

  /** Forgets the service's credential; its live sessions are disconnected through the listeners. */
  public void revokeService(String serviceName) {
    change(snapshot -> {
      Map<String, String> services = new HashMap<>(snapshot.serviceHashes());
      services.remove(serviceName);
      return new CredentialSnapshot(snapshot.cloudSecretSha256(), snapshot.edgeHashes(), services);
    });
  }

  @Override
  public void start() {
    // everything is in memory already
  }

  @Override
  public Optional<MqttPrincipal> authenticate(String clientId, String userName, byte[] password) {
    return cache.authenticate(clientId, userName, password);
  }

  @Override
  public void onRevoked(Consumer<MqttPrincipal> listener) {
    cache.onRevoked(listener);
  }

  @Override
  public void close() {
    // nothing to release
  }

  private synchronized void change(UnaryOperator<CredentialSnapshot> edit) {
    cache.replace(edit.apply(cache.current()));
  }
}
