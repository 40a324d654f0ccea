package energy.dispatch.edge;

import energy.dispatch.edge.state.EdgeStatus;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running edge agent: MQTT link, journal, Core Cycle, devices. {@link #start} returns once the
 * journal is open, the message handlers are registered and the first connect has been attempted;
 * a broker that is down is retried in the background. A {@code restart} command restarts it in
 * place (same object, fresh parts). Thread-safe.
 */
public final class EdgeAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);

  private final EdgeSettings settings;
  private final DeviceGatewayFactory devices;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private EdgeRuntime runtime;
  private boolean closed;

  private EdgeAgent(EdgeSettings settings, DeviceGatewayFactory devices) {
    this.settings = settings;
    this.devices = devices;
  }

  /** Starts an agent on the Modbus devices of its capability config. */
  public static EdgeAgent start(EdgeSettings settings) {
    return start(settings, DeviceGateways.modbus());
  }

  /**
   * Starts an agent on the devices {@code devices} opens.
   *
   * @throws energy.dispatch.edge.journal.JournalException when another agent holds the journal
   * @throws IllegalStateException when the capability config file is missing or invalid
   */
  public static EdgeAgent start(EdgeSettings settings, DeviceGatewayFactory devices) {
    long startNanos = System.nanoTime();
    EdgeAgent agent = new EdgeAgent(settings, devices);
    synchronized (agent) {
      agent.runtime = agent.newRuntime();
    }
    LOG.info("Edge agent started edgeId={} in {} ms settings={}", settings.edgeId(),
        (System.nanoTime() - startNanos) / 1_000_000, settings);
    return agent;
  }

  public EdgeSettings settings() {
    return settings;
  }

  /**
   * The state as of the last cycle.
   *
   * @throws IllegalStateException when a restart failed and the agent is stopped
   */
  public synchronized EdgeStatus status() {
    if (runtime == null) {
      throw new IllegalStateException("edge agent " + settings.edgeId() + " is stopped after a failed restart");
    }
    return runtime.status();
  }

  /**
   * Completes when the agent stops: normally on {@link #close}, exceptionally with the cause when
   * an in-place restart could not start it again. A process that runs the agent waits on it, so it
   * can exit and let its supervisor start it afresh rather than idle with a dead agent.
   */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** Whether the MQTT link is up now. */
  public synchronized boolean connected() {
    return runtime != null && runtime.connected();
  }

  private EdgeRuntime newRuntime() {
    EdgeRuntime fresh = new EdgeRuntime(settings, devices, this::restart);
    fresh.start();
    return fresh;
  }

  /** Stops every part and starts them again; the restart command is acked by the fresh recovery. */
  private synchronized void restart(String commandId) {
    if (closed) {
      return;
    }
    LOG.info("Restarting edgeId={} commandId={}", settings.edgeId(), commandId);
    runtime.close();
    runtime = null;
    try {
      runtime = newRuntime();
    } catch (RuntimeException e) {
      LOG.error("Restart failed edgeId={}; the agent is stopped, start it again", settings.edgeId(), e);
      closed = true;
      stopped.completeExceptionally(e);
    }
  }

  /** Stops the cycle, disconnects (the broker publishes the offline last will) and closes the journal. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (runtime != null) {
      runtime.close();
    }
    LOG.info("Edge agent stopped edgeId={}", settings.edgeId());
    stopped.complete(null);
  }
}
