package energy.dispatch.edge.state;

import energy.dispatch.edge.journal.Journal;
import java.util.List;
import java.util.function.Consumer;

/** Where the Core Cycle reports events; implementations must not block the cycle. */
@FunctionalInterface
public interface StateEvents {

  /** For an event that reports no state change of its own. */
  Consumer<Journal.Changes> NO_CHANGE = changes -> {};

  /**
   * Reports events together with the journal change they report ({@code change}), in one journal
   * transaction, so that a crash cannot keep the change and lose its events.
   *
   * @throws RuntimeException when the journal fails and {@code change} is not {@link #NO_CHANGE}:
   *     then neither the change nor the events happened
   */
  void report(List<StateEvent> events, Consumer<Journal.Changes> change);

  default void report(StateEvent event, Consumer<Journal.Changes> change) {
    report(List.of(event), change);
  }

  default void report(StateEvent event) {
    report(List.of(event), NO_CHANGE);
  }
}
