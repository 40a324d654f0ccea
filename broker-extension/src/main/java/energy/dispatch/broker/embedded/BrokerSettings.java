package energy.dispatch.broker.embedded;

import energy.dispatch.broker.DispatchExtension;
import energy.dispatch.schema.tls.ServerKeystore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the embedded broker listens and what it bounds. Immutable; invalid values are all reported at once.
 *
 * @param bindHost the address the MQTT listener binds; loopback by default
 * @param port the MQTT port; 0 takes any free port
 * @param dataFolder where HiveMQ keeps persistent sessions and queued messages across restarts
 * @param maxPacketSizeBytes the largest MQTT packet the broker accepts
 * @param maxQueuedMessagesPerClient messages kept for one offline or slow client, well above the cloud's
 *     in-flight window per edge, so the broker never silently drops a command
 * @param maxSessionExpiry the longest session expiry a client may ask for
 * @param tls the listener's certificate; without it the listener is plain TCP, allowed on loopback only
 * @param failedLoginDelay how long a refused CONNECT waits for its answer, so guessing secrets is slow
 */
public record BrokerSettings(String bindHost, int port, Path dataFolder, int maxPacketSizeBytes,
    long maxQueuedMessagesPerClient, Duration maxSessionExpiry, Optional<ServerKeystore> tls,
    Duration failedLoginDelay) {

  public static final String DEFAULT_BIND_HOST = "127.0.0.1";
  public static final int DEFAULT_MAX_PACKET_SIZE_BYTES = 256 * 1024;
  public static final long DEFAULT_MAX_QUEUED_MESSAGES_PER_CLIENT = 1000;
  public static final Duration DEFAULT_MAX_SESSION_EXPIRY = Duration.ofDays(7);
  /** The environment setting that names the MQTT port; error messages point at it. */
  public static final String PORT_SETTING = "DISPATCH_MQTT_PORT";
  /** The environment setting that names the listener's key store; error messages point at it. */
  public static final String KEYSTORE_SETTING = "DISPATCH_MQTT_KEYSTORE";
  /** The environment setting of {@link #failedLoginDelay()} in milliseconds. */
  public static final String FAILED_LOGIN_DELAY_SETTING = "DISPATCH_MQTT_AUTH_FAILURE_DELAY_MS";
  public static final Duration DEFAULT_FAILED_LOGIN_DELAY = DispatchExtension.DEFAULT_FAILED_LOGIN_DELAY;

  private static final int MQTT_MAX_PACKET_SIZE_BYTES = 268_435_460;
  private static final long MQTT_MAX_SESSION_EXPIRY_SECONDS = 4_294_967_295L;
  private static final Duration MAX_FAILED_LOGIN_DELAY = Duration.ofSeconds(30);

  public BrokerSettings {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(dataFolder, "dataFolder");
    Objects.requireNonNull(maxSessionExpiry, "maxSessionExpiry");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(failedLoginDelay, "failedLoginDelay");
    List<String> problems = new ArrayList<>();
    if (port < 0 || port > 65_535) {
      problems.add(PORT_SETTING + " must be 0 (any free port) or 1-65535, was " + port);
    }
    if (maxPacketSizeBytes < 1024 || maxPacketSizeBytes > MQTT_MAX_PACKET_SIZE_BYTES) {
      problems.add("max packet size must be 1024-" + MQTT_MAX_PACKET_SIZE_BYTES + " bytes, was " + maxPacketSizeBytes);
    }
    if (maxQueuedMessagesPerClient < 1) {
      problems.add("max queued messages per client must be positive, was " + maxQueuedMessagesPerClient);
    }
    if (maxSessionExpiry.isNegative() || maxSessionExpiry.toSeconds() > MQTT_MAX_SESSION_EXPIRY_SECONDS) {
      problems.add("max session expiry must be 0-" + MQTT_MAX_SESSION_EXPIRY_SECONDS + " s, was " + maxSessionExpiry);
    }
    if (failedLoginDelay.isNegative() || failedLoginDelay.compareTo(MAX_FAILED_LOGIN_DELAY) > 0) {
      problems.add(FAILED_LOGIN_DELAY_SETTING + " must be 0-" + MAX_FAILED_LOGIN_DELAY.toMillis() + " ms, was "
          + failedLoginDelay.toMillis());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid broker settings: " + String.join("; ", problems));
    }
  }

  /** Loopback, any free port, data in {@code dataFolder}, and the documented defaults. */
  public static BrokerSettings defaults(Path dataFolder) {
    return new BrokerSettings(DEFAULT_BIND_HOST, 0, dataFolder, DEFAULT_MAX_PACKET_SIZE_BYTES,
        DEFAULT_MAX_QUEUED_MESSAGES_PER_CLIENT, DEFAULT_MAX_SESSION_EXPIRY, Optional.empty(),
        DEFAULT_FAILED_LOGIN_DELAY);
  }

  public BrokerSettings withPort(int newPort) {
    return new BrokerSettings(bindHost, newPort, dataFolder, maxPacketSizeBytes, maxQueuedMessagesPerClient,
        maxSessionExpiry, tls, failedLoginDelay);
  }

  public BrokerSettings withBindHost(String newBindHost) {
    return new BrokerSettings(newBindHost, port, dataFolder, maxPacketSizeBytes, maxQueuedMessagesPerClient,
        maxSessionExpiry, tls, failedLoginDelay);
  }

  /** The listener speaks MQTT over TLS with this certificate; required when binding beyond loopback. */
  public BrokerSettings withTls(ServerKeystore newTls) {
    return new BrokerSettings(bindHost, port, dataFolder, maxPacketSizeBytes, maxQueuedMessagesPerClient,
        maxSessionExpiry, Optional.of(newTls), failedLoginDelay);
  }

  public BrokerSettings withMaxPacketSizeBytes(int newMaxPacketSizeBytes) {
    return new BrokerSettings(bindHost, port, dataFolder, newMaxPacketSizeBytes, maxQueuedMessagesPerClient,
        maxSessionExpiry, tls, failedLoginDelay);
  }

  public BrokerSettings withFailedLoginDelay(Duration newFailedLoginDelay) {
    return new BrokerSettings(bindHost, port, dataFolder, maxPacketSizeBytes, maxQueuedMessagesPerClient,
        maxSessionExpiry, tls, newFailedLoginDelay);
  }

  /** These settings with the failed-login delay of {@value #FAILED_LOGIN_DELAY_SETTING} in {@code env}, if set. */
  public BrokerSettings withEnvironment(Map<String, String> env) {
    String delay = env.getOrDefault(FAILED_LOGIN_DELAY_SETTING, "").trim();
    if (delay.isEmpty()) {
      return this;
    }
    try {
      return withFailedLoginDelay(Duration.ofMillis(Long.parseLong(delay)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(FAILED_LOGIN_DELAY_SETTING + " must be a whole number of milliseconds, was '"
          + delay + "'", e);
    }
  }
}
