package energy.dispatch.cloud.support;

import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.broker.embedded.BrokerSettings;
import energy.dispatch.broker.embedded.EmbeddedBroker;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.tls.ServerKeystore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The embedded HiveMQ with the dispatch extension on a free port, with credentials the test controls. */
public final class TestBroker implements AutoCloseable {

  public static final String CLOUD_SECRET = "cloud-secret-for-tests-0123456789abcdef";

  private final Map<String, String> edgeHashes = new ConcurrentHashMap<>();
  private final Map<String, String> serviceHashes = new ConcurrentHashMap<>();
  private final Optional<ServerKeystore> tls;
  private volatile EmbeddedBroker broker;
  private volatile StaticCredentialStore credentials;

  private TestBroker(Optional<ServerKeystore> tls) {
    this.tls = tls;
  }

  public static TestBroker start() {
    TestBroker broker = new TestBroker(Optional.empty());
    broker.startOn(0);
    return broker;
  }

  /** A broker whose listener speaks only MQTT over TLS, with this certificate. */
  public static TestBroker startWithTls(ServerKeystore keystore) {
    TestBroker broker = new TestBroker(Optional.of(keystore));
    broker.startOn(0);
    return broker;
  }

  private void startOn(int port) {
    try {
      credentials = StaticCredentialStore.withCloudSecret(CLOUD_SECRET);
      edgeHashes.forEach(credentials::putEdge);
      serviceHashes.forEach(credentials::putService);
      BrokerSettings plain = BrokerSettings.defaults(Files.createTempDirectory("dispatch-broker-test")).withPort(port);
      BrokerSettings settings = tls.map(plain::withTls).orElse(plain);
      broker = EmbeddedBroker.start(settings, credentials);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the broker (every client loses its connection and its session) and starts it again on the same port. */
  public void restart() {
    int port = broker.port();
    broker.close();
    startOn(port);
  }

  /** Lets an edge log in with {@code secret}. */
  public void allowEdge(String edgeId, String secret) {
    edgeHashes.put(edgeId, CredentialHash.hash(secret));
    credentials.putEdge(edgeId, CredentialHash.hash(secret));
  }

  /** Lets service {@code name} log in as {@code service:<name>} with {@code secret}. */
  public void allowService(String name, String secret) {
    serviceHashes.put(name, CredentialHash.hash(secret));
    credentials.putService(name, CredentialHash.hash(secret));
  }

  public String host() {
    return broker.host();
  }

  public int port() {
    return broker.port();
  }

  @Override
  public void close() {
    broker.close();
  }
}
