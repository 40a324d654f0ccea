package energy.dispatch.edge;

/**
 * A running edge agent: MQTT link, journal, Core Cycle. {@link #start} returns once the journal
 * is open, the message handlers are registered and the first connect has been attempted; a broker
 * that is down is retried in the background. Thread-safe.
 */
public final class EdgeAgent implements AutoCloseable {

  private final EdgeSettings settings;

  private EdgeAgent(EdgeSettings settings) {
    this.settings = settings;
  }

  /** Starts an agent. */
  public static EdgeAgent start(EdgeSettings settings) {
    // TODO: the agent itself lands next; this keeps the launcher compiling against the final API.
    return new EdgeAgent(settings);
  }

  public EdgeSettings settings() {
    return settings;
  }

  /** Stops the cycle, disconnects (the broker then publishes nothing: the state says offline) and closes the journal. */
  @Override
  public void close() {}
}
