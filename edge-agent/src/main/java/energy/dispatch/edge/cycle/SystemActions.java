package energy.dispatch.edge.cycle;

/**
 * What a {@code system} command sets in motion beyond the cycle. Both complete later: a restart is
 * acked by the agent once it is back, a config fetch when the cloud answers.
 */
public interface SystemActions {

  /** Restarts the agent; must return at once and do the work on another thread. */
  void restart(String commandId);

  /** Asks the cloud for the capability config; the answer is applied between cycles. */
  void syncConfig(String commandId);
}
