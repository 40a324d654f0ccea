package energy.dispatch.edge.cycle;

import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.command.QueuedCommand;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateEvents;
import java.util.Map;

/**
 * {@code system} commands: journals the intent, then starts the restart or the config fetch. The
 * result comes later; after a crash the intent tells the recovery what was under way.
 */
final class SystemCommandHandler implements CommandHandler {

  static final String RESTART = "restart";
  static final String SYNC_CONFIG = "sync_config";
  /**
   * What a restart announces it needs before its ack, for the cloud's deadline: an upper bound, not
   * a typical figure (that is well under a second). Closing waits at most 4 s for the MQTT link,
   * 5 s for each of the intake and cycle threads and 2 s for each outbox (18 s); starting again
   * stays within the agent's 2 s start budget.
   */
  static final int RESTART_EXPECTED_SECONDS = 20;

  private final CommandLedger ledger;
  private final SystemActions actions;
  private final StateEvents events;

  SystemCommandHandler(CommandLedger ledger, SystemActions actions, StateEvents events) {
    this.ledger = ledger;
    this.actions = actions;
    this.events = events;
  }

  @Override
  public void apply(QueuedCommand queued, SiteState site) {
    String commandId = queued.commandId();
    String action = queued.command().value().asText();
    ledger.intent(commandId);
    if (RESTART.equals(action)) {
      events.report(new StateEvent(StateEvent.RESTARTING,
          Map.of("command_id", commandId, "expected_sec", RESTART_EXPECTED_SECONDS)));
      actions.restart(commandId);
    } else {
      actions.syncConfig(commandId);
    }
  }
}
