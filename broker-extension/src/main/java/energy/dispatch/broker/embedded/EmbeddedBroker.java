package energy.dispatch.broker.embedded;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import energy.dispatch.broker.BrokerStatus;
import energy.dispatch.broker.CredentialStore;
import energy.dispatch.broker.DispatchExtension;
import energy.dispatch.schema.tls.Loopback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveMQ Community Edition in this process, with the dispatch extension. Fails closed: if the extension does
 * not start, {@link #start} stops the broker and throws, and until then the broker refuses every client
 * (HiveMQ's embedded mode would otherwise admit everyone when no authenticator is registered).
 * Thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedBroker implements AutoCloseable {

  static final String EXTENSION_ID = "dispatch-broker-extension";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddedHiveMQ hivemq;
  private final BrokerStatus status;
  private final Path configFolder;
  private final String host;
  private final int port;
  private boolean closed;

  private EmbeddedBroker(EmbeddedHiveMQ hivemq, BrokerStatus status, Path configFolder, String host, int port) {
    this.hivemq = hivemq;
    this.status = status;
    this.configFolder = configFolder;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts the broker with the dispatch extension, which starts and later closes {@code credentials}.
   *
   * @throws BrokerStartException when the port is taken, HiveMQ does not start, or the extension refuses to
   *     start; the message says why, and no broker is left running
   */
  public static EmbeddedBroker start(BrokerSettings settings, CredentialStore credentials) {
    return start(settings, credentials, new BrokerStatus());
  }

  /**
   * As above, reporting to {@code status}, which a {@link BrokerHealthEndpoint} started before may read: it
   * keeps the reason after a failed start.
   */
  public static EmbeddedBroker start(BrokerSettings settings, CredentialStore credentials, BrokerStatus status) {
    DispatchExtension extension = new DispatchExtension(credentials, status, settings.failedLoginDelay());
    return start(settings, extension, status);
  }

  static EmbeddedBroker start(BrokerSettings settings, DispatchExtension extension, BrokerStatus status) {
    requireTlsBeyondLoopback(settings);
    int port = resolvePort(settings);
    Path configFolder = prepareFolders(settings, port);
    EmbeddedHiveMQ hivemq = build(settings, configFolder, extension);
    EmbeddedBroker broker = new EmbeddedBroker(hivemq, status, configFolder, settings.bindHost(), port);
    broker.awaitStart(settings);
    if (!status.ok()) {
      String reason = status.failureReason().orElse("no reason reported");
      broker.close();
      throw new BrokerStartException("the MQTT broker was stopped because its extension did not start, so no "
          + "client was admitted: " + reason);
    }
    LOG.info("MQTT broker listening host={} port={} tls={} maxPacketSizeBytes={} maxQueuedMessagesPerClient={}",
        settings.bindHost(), port, settings.tls().isPresent(), settings.maxPacketSizeBytes(),
        settings.maxQueuedMessagesPerClient());
    return broker;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Whether the extension runs and, if not, why; a health endpoint reports it. */
  public BrokerStatus health() {
    return status;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      hivemq.close();
      LOG.info("MQTT broker stopped port={}", port);
    } catch (ExecutionException e) {
      LOG.error("MQTT broker did not stop cleanly port={}", port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Interrupted while stopping the MQTT broker port={}", port);
    } finally {
      status.stopped();
      deleteRecursively(configFolder);
    }
  }

  static EmbeddedHiveMQ build(BrokerSettings settings, Path configFolder, DispatchExtension extension) {
    EmbeddedExtension embedded = EmbeddedExtension.builder()
        .withId(EXTENSION_ID)
        .withName("Command Dispatch broker extension")
        .withVersion(version())
        .withAuthor("Command Dispatch")
        .withPriority(1000)
        .withStartPriority(1000)
        .withExtensionMain(extension)
        .build();
    EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(configFolder)
        .withDataFolder(settings.dataFolder())
        .withExtensionsFolder(configFolder.resolve("extensions"))
        .withEmbeddedExtension(embedded)
        .withoutLoggingBootstrap()
        .build();
    // Building an embedded HiveMQ switches off, JVM-wide, its refusal of clients when no authenticator is
    // registered. Switch it back on, so a broker whose extension failed admits nobody until it is stopped.
    // The flag is HiveMQ-internal (hivemq-community-edition issue #72 asks for it to be configurable).
    InternalConfigurations.AUTH_DENY_UNAUTHENTICATED_CONNECTIONS.set(true);
    return hivemq;
  }

  private void awaitStart(BrokerSettings settings) {
    try {
      hivemq.start().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new BrokerStartException("the MQTT broker did not start on " + host + ":" + port + " (" + portHint(settings)
          + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new BrokerStartException("interrupted while starting the MQTT broker", e);
    }
  }

  private static String portHint(BrokerSettings settings) {
    return BrokerSettings.PORT_SETTING + "=" + settings.port() + ", data folder " + settings.dataFolder();
  }

  /**
   * Plain MQTT carries secrets in the clear, so it may only listen on loopback; a key store is opened
   * before HiveMQ starts, so that a wrong path or password is named instead of failing every handshake.
   */
  static void requireTlsBeyondLoopback(BrokerSettings settings) {
    if (settings.tls().isPresent()) {
      try {
        settings.tls().get().verify(BrokerSettings.KEYSTORE_SETTING);
      } catch (IllegalArgumentException e) {
        throw new BrokerStartException(e.getMessage(), e);
      }
      return;
    }
    if (!Loopback.isLoopback(settings.bindHost())) {
      throw new BrokerStartException("MQTT on " + settings.bindHost() + " needs TLS: set "
          + BrokerSettings.KEYSTORE_SETTING + " (a key store) or bind to a loopback address such as 127.0.0.1");
    }
  }

  /** The explicit port if it is free, else any free port when 0 was asked for. */
  static int resolvePort(BrokerSettings settings) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(settings.bindHost()), settings.port()));
      return probe.getLocalPort();
    } catch (BindException e) {
      throw new BrokerStartException(BrokerSettings.PORT_SETTING + "=" + settings.port() + " is already in use on "
          + settings.bindHost() + ": stop what listens there or set " + BrokerSettings.PORT_SETTING
          + " to a free port (0 takes any free port)", e);
    } catch (IOException e) {
      throw new BrokerStartException("cannot listen on " + settings.bindHost() + ":" + settings.port()
          + " (" + BrokerSettings.PORT_SETTING + "): " + e.getMessage(), e);
    }
  }

  static Path prepareFolders(BrokerSettings settings, int port) {
    try {
      Files.createDirectories(settings.dataFolder());
      // created readable by this user only (rwx------): config.xml may hold the key store password
      Path configFolder = Files.createTempDirectory("dispatch-broker-conf-");
      Files.createDirectories(configFolder.resolve("extensions"));
      HiveMqConfigFile.write(configFolder, settings, port);
      return configFolder;
    } catch (IOException e) {
      throw new BrokerStartException("cannot prepare the broker's folders (data folder " + settings.dataFolder()
          + "): " + e.getMessage(), e);
    }
  }

  private static String version() {
    String version = EmbeddedBroker.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  private static void deleteRecursively(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete the broker's config folder {}, leaving it behind: {}", folder, e.toString());
    }
  }
}
