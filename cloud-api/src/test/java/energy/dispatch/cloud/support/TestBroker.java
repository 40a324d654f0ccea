package energy.dispatch.cloud.support;

import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.broker.embedded.BrokerSettings;
import energy.dispatch.broker.embedded.EmbeddedBroker;
import energy.dispatch.schema.CredentialHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The embedded HiveMQ with the dispatch extension on a free port, with credentials the test controls. */
public final class TestBroker implements AutoCloseable {

  public static final String CLOUD_SECRET = "cloud-secret-for-tests-0123456789abcdef";

  private final EmbeddedBroker broker;
  private final StaticCredentialStore credentials;

  private TestBroker(EmbeddedBroker broker, StaticCredentialStore credentials) {
    this.broker = broker;
    this.credentials = credentials;
  }

  public static TestBroker start() {
    try {
      StaticCredentialStore credentials = StaticCredentialStore.withCloudSecret(CLOUD_SECRET);
      BrokerSettings settings = BrokerSettings.defaults(Files.createTempDirectory("dispatch-broker-test"));
      return new TestBroker(EmbeddedBroker.start(settings, credentials), credentials);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lets an edge log in with {@code secret}. */
  public void allowEdge(String edgeId, String secret) {
    credentials.putEdge(edgeId, CredentialHash.hash(secret));
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
