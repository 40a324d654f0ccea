package energy.dispatch.broker;

import java.util.Optional;

/**
 * Whether the broker extension runs, for health checks: {@code STARTING} until the extension reports, then
 * {@code RUNNING}, {@code FAILED} with the reason it refused to start, or {@code STOPPED}. Thread-safe: the
 * extension writes it from HiveMQ's start thread, health endpoints read it from anywhere.
 */
public final class BrokerStatus {

  public enum State {
    STARTING,
    RUNNING,
    FAILED,
    STOPPED
  }

  private record Snapshot(State state, String reason) {}

  private volatile Snapshot snapshot = new Snapshot(State.STARTING, "the broker extension has not started yet");

  public synchronized void started() {
    snapshot = new Snapshot(State.RUNNING, "running");
  }

  public synchronized void failed(String reason) {
    snapshot = new Snapshot(State.FAILED, reason);
  }

  /** Marks a clean stop; a failure stays reported, so health keeps saying why the broker is down. */
  public synchronized void stopped() {
    if (snapshot.state() != State.FAILED) {
      snapshot = new Snapshot(State.STOPPED, "stopped");
    }
  }

  public State state() {
    return snapshot.state();
  }

  /** True only while the extension runs: only then does the broker admit clients. */
  public boolean ok() {
    return snapshot.state() == State.RUNNING;
  }

  /** Why the broker is not ok; empty while it runs. */
  public Optional<String> failureReason() {
    Snapshot current = snapshot;
    return current.state() == State.RUNNING ? Optional.empty() : Optional.of(current.reason());
  }

  @Override
  public String toString() {
    Snapshot current = snapshot;
    return current.state() + " (" + current.reason() + ")";
  }
}
