package energy.dispatch.edge.cycle;

import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.command.QueuedCommand;
import energy.dispatch.edge.control.Controllers;
import energy.dispatch.edge.journal.ControllerSetting;
import energy.dispatch.edge.journal.ParameterOverride;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateEvents;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.Command;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The commands that change a controller rather than a device: {@code mode_change},
 * {@code scheduler} and {@code config_override}. Each journals the new state with its result,
 * then applies it, so a restart finds exactly what was acked.
 */
final class ControllerCommandHandlers {

  static final String SCHEDULER_START = "start";

  private final CommandLedger ledger;
  private final Clock clock;
  private final EndingCommit endingCommit;

  ControllerCommandHandlers(CommandLedger ledger, Clock clock, StateEvents events) {
    this.ledger = ledger;
    this.clock = clock;
    this.endingCommit = new EndingCommit(ledger, events);
  }

  void modeChange(QueuedCommand queued, SiteState site) {
    Command command = queued.command();
    String controller = command.target().controller();
    String mode = command.value().asText();
    ControllerSetting current = site.controllers().setting(controller);
    ControllerSetting changed = new ControllerSetting(controller, Optional.of(mode), current.enabled());
    ledger.result(Ack.executed(command.commandId(), clock.instant()), changes -> changes.putControllerSetting(changed));
    site.controllers().mode(controller, mode);
  }

  void scheduler(QueuedCommand queued, SiteState site) {
    Command command = queued.command();
    String controller = command.target().controller();
    boolean enabled = SCHEDULER_START.equals(command.value().asText());
    ControllerSetting current = site.controllers().setting(controller);
    ControllerSetting changed = new ControllerSetting(controller, current.mode(), Optional.of(enabled));
    ledger.result(Ack.executed(command.commandId(), clock.instant()), changes -> changes.putControllerSetting(changed));
    site.controllers().enabled(controller, enabled);
  }

  /**
   * An override in force on the same parameter ends here: {@code override_replaced}, naming this
   * command, commits with this command's result and the new override.
   */
  void configOverride(QueuedCommand queued, SiteState site) {
    Command command = queued.command();
    Instant now = clock.instant();
    ParameterOverride override = new ParameterOverride(command.target().controller(), command.target().parameter(),
        command.value(), command.commandId(), now.plusSeconds(command.durationSec()));
    Controllers controllers = site.controllers();
    Optional<StateEvent> replaced = controllers.override(override.controller(), override.parameter())
        .map(inForce -> EndEvents.overrideReplaced(inForce, override));
    endingCommit.commit(Ack.executed(command.commandId(), now), replaced, changes -> changes.putOverride(override),
        () -> controllers.putOverride(override));
  }
}
