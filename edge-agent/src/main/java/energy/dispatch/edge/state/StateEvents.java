package energy.dispatch.edge.state;

/** Where the Core Cycle reports events; implementations must not block the cycle. */
@FunctionalInterface
public interface StateEvents {

  void report(StateEvent event);
}
