package energy.dispatch.edge;

import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.Loopback;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an edge agent needs to start, parsed once by whoever launches it. Immutable.
 *
 * @param edgeId the edge's identity: MQTT client id and username
 * @param secret the edge's broker credential; never logged
 * @param brokerHost MQTT broker host
 * @param brokerPort MQTT broker port
 * @param capabilityConfigPath the capability config file: read at start, and rewritten with each
 *     config the cloud sends that passes validation, so the edge runs offline on its last good one
 * @param journalPath the SQLite journal file; one agent per file
 * @param defaultHoldSeconds how long a setpoint without {@code hold_sec} holds its channel
 * @param queueCapacity how many commands the Core Cycle queue holds before it answers
 *     {@code queue_full}
 * @param stateReportPeriod how often the agent publishes its state besides on every change
 * @param clock the wall clock for {@code expires_at}, {@code executed_at}, hold and override ends
 * @param clockSynchronized whether {@code clock} is synchronised (NTP) so that the cloud's
 *     {@code expires_at} can be trusted; when false the MQTT message expiry is used instead
 * @param keepAliveSeconds the MQTT keep-alive: an edge that vanishes without a DISCONNECT is
 *     marked offline by the broker after 1.5 times this
 * @param brokerTrust what the broker's certificate is checked against; without it plain MQTT, allowed
 *     only to a broker on loopback
 */
public record EdgeSettings(
    String edgeId,
    String secret,
    String brokerHost,
    int brokerPort,
    Path capabilityConfigPath,
    Path journalPath,
    int defaultHoldSeconds,
    int queueCapacity,
    Duration stateReportPeriod,
    Clock clock,
    boolean clockSynchronized,
    int keepAliveSeconds,
    Optional<ClientTrust> brokerTrust) {

  public static final int DEFAULT_HOLD_SECONDS = 900;
  public static final int DEFAULT_KEEP_ALIVE_SECONDS = 30;
  /** MQTT's largest keep-alive (a two-byte field). */
  static final int MAX_KEEP_ALIVE_SECONDS = 65_535;
  public static final int DEFAULT_QUEUE_CAPACITY = 100;
  public static final Duration DEFAULT_STATE_REPORT_PERIOD = Duration.ofSeconds(30);
  /** The prefix of the settings of the broker's trusted certificates ({@link ClientTrust#fromSettings}). */
  public static final String BROKER_TRUST_PREFIX = "DISPATCH_MQTT";

  public EdgeSettings {
    Objects.requireNonNull(edgeId, "edgeId");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(brokerHost, "brokerHost");
    Objects.requireNonNull(capabilityConfigPath, "capabilityConfigPath");
    Objects.requireNonNull(journalPath, "journalPath");
    Objects.requireNonNull(stateReportPeriod, "stateReportPeriod");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(brokerTrust, "brokerTrust");
    requireTlsBeyondLoopback(brokerHost, brokerTrust);
    requirePositive("brokerPort", brokerPort);
    requirePositive("defaultHoldSeconds", defaultHoldSeconds);
    requirePositive("queueCapacity", queueCapacity);
    requirePositive("keepAliveSeconds", keepAliveSeconds);
    if (keepAliveSeconds > MAX_KEEP_ALIVE_SECONDS) {
      throw new IllegalArgumentException("keepAliveSeconds must be at most " + MAX_KEEP_ALIVE_SECONDS + ", was "
          + keepAliveSeconds);
    }
    if (stateReportPeriod.isNegative() || stateReportPeriod.isZero()) {
      throw new IllegalArgumentException("stateReportPeriod must be positive, was " + stateReportPeriod);
    }
  }

  /** The same settings with the wall clock assumed synchronised. */
  public EdgeSettings(
      String edgeId,
      String secret,
      String brokerHost,
      int brokerPort,
      Path capabilityConfigPath,
      Path journalPath,
      int defaultHoldSeconds,
      int queueCapacity,
      Duration stateReportPeriod,
      Clock clock) {
    this(edgeId, secret, brokerHost, brokerPort, capabilityConfigPath, journalPath, defaultHoldSeconds,
        queueCapacity, stateReportPeriod, clock, true, DEFAULT_KEEP_ALIVE_SECONDS, Optional.empty());
  }

  /** Settings with every default: hold 900 s, queue 100, state every 30 s, system UTC clock. */
  public static EdgeSettings of(
      String edgeId, String secret, String brokerHost, int brokerPort, Path capabilityConfigPath, Path journalPath) {
    return new EdgeSettings(edgeId, secret, brokerHost, brokerPort, capabilityConfigPath, journalPath,
        DEFAULT_HOLD_SECONDS, DEFAULT_QUEUE_CAPACITY, DEFAULT_STATE_REPORT_PERIOD, Clock.systemUTC(), true,
        DEFAULT_KEEP_ALIVE_SECONDS, Optional.empty());
  }

  /** The same settings with another MQTT keep-alive. */
  public EdgeSettings withKeepAliveSeconds(int seconds) {
    return new EdgeSettings(edgeId, secret, brokerHost, brokerPort, capabilityConfigPath, journalPath,
        defaultHoldSeconds, queueCapacity, stateReportPeriod, clock, clockSynchronized, seconds, brokerTrust);
  }

  /** The same settings, connecting to the broker over TLS and trusting {@code trust}. */
  public EdgeSettings withBrokerTrust(ClientTrust trust) {
    return new EdgeSettings(edgeId, secret, brokerHost, brokerPort, capabilityConfigPath, journalPath,
        defaultHoldSeconds, queueCapacity, stateReportPeriod, clock, clockSynchronized, keepAliveSeconds,
        Optional.of(trust));
  }

  @Override
  public String toString() {
    // The secret stays out of every log line.
    return "EdgeSettings[edgeId=" + edgeId + ", broker=" + brokerHost + ":" + brokerPort
        + ", config=" + capabilityConfigPath + ", journal=" + journalPath + ", defaultHoldSeconds="
        + defaultHoldSeconds + ", queueCapacity=" + queueCapacity + ", stateReportPeriod=" + stateReportPeriod
        + ", clockSynchronized=" + clockSynchronized + ", keepAliveSeconds=" + keepAliveSeconds
        + ", brokerTls=" + brokerTrust.map(Object::toString).orElse("off") + "]";
  }

  /** Plain MQTT carries the edge's secret and its commands in the clear, so only to a broker on loopback. */
  private static void requireTlsBeyondLoopback(String brokerHost, Optional<ClientTrust> brokerTrust) {
    if (brokerTrust.isEmpty() && !Loopback.isLoopback(brokerHost)) {
      throw new IllegalArgumentException("broker host " + brokerHost + " is not a loopback address, where plain "
          + "MQTT would carry the edge's secret and its commands in the clear: set " + BROKER_TRUST_PREFIX
          + "_CA_FILE, " + BROKER_TRUST_PREFIX + "_TRUSTSTORE (with " + BROKER_TRUST_PREFIX
          + "_TRUSTSTORE_PASSWORD) or "
          + BROKER_TRUST_PREFIX + "_TLS=true (or the matching --broker-* options)");
    }
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
