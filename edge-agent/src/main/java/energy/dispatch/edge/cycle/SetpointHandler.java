package energy.dispatch.edge.cycle;

import energy.dispatch.edge.FaultPoints;
import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.command.QueuedCommand;
import energy.dispatch.edge.control.Limited;
import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateEvents;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a setpoint: safety limits first (battery setpoint only), then the intent in the journal,
 * the device write with read-back, the result and the hold in one transaction, with
 * {@code hold_replaced} when it ends a hold in force on the channel. A {@code null} value releases
 * the channel's hold instead, and the controllers take the channel back.
 */
final class SetpointHandler implements CommandHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SetpointHandler.class);

  private final Supplier<DeviceGateway> gateway;
  private final CommandLedger ledger;
  private final Clock clock;
  private final int defaultHoldSeconds;
  private final EndingCommit endingCommit;

  SetpointHandler(
      Supplier<DeviceGateway> gateway, CommandLedger ledger, Clock clock, int defaultHoldSeconds, StateEvents events) {
    this.gateway = gateway;
    this.ledger = ledger;
    this.clock = clock;
    this.defaultHoldSeconds = defaultHoldSeconds;
    this.endingCommit = new EndingCommit(ledger, events);
  }

  @Override
  public void apply(QueuedCommand queued, SiteState site) {
    Command command = queued.command();
    if (command.isRelease()) {
      release(command, site);
    } else {
      write(command, site);
    }
  }

  /** {@code limited_by} of a value the register could hold only to its resolution. */
  static final String REGISTER_RESOLUTION = "register_resolution";

  private void write(Command command, SiteState site) {
    String channelKey = command.target().channelKey();
    double requested = command.value().asDouble();
    Limited limited = site.isBatterySetpoint(channelKey)
        ? site.batteryLimits().apply(requested)
        : new Limited(requested, requested, Optional.empty());

    ledger.intent(command.commandId(), limited.appliedWatts());
    FaultPoints.reached(FaultPoints.AFTER_INTENT);
    double confirmed;
    try {
      confirmed = gateway.get().write(command.target().deviceId(), command.target().channel(), limited.appliedWatts());
    } catch (DeviceException e) {
      ledger.result(Ack.of(command.commandId(), AckStatus.FAILED, clock.instant(), e.error()));
      return;
    } catch (RuntimeException e) {
      LOG.error("Device write threw commandId={} channel={}", command.commandId(), channelKey, e);
      ledger.result(Acks.failed(command.commandId(), clock.instant(), ErrorCode.OUTCOME_UNKNOWN,
          "the write to " + channelKey + " failed unexpectedly (" + e.getMessage()
              + "); the device may or may not hold the value, read it before retrying"));
      return;
    }
    FaultPoints.reached(FaultPoints.AFTER_DEVICE_WRITE);
    site.inputs().put(channelKey, confirmed);
    hold(command, site, channelKey, requested, limited, confirmed);
  }

  private void hold(Command command, SiteState site, String channelKey, double requested, Limited limited,
      double confirmed) {
    Instant now = clock.instant();
    int holdSeconds = command.holdSec() != null ? command.holdSec() : defaultHoldSeconds;
    Hold hold = new Hold(channelKey, command.commandId(), requested, now.plusSeconds(holdSeconds));
    Optional<StateEvent> replaced = site.holds().get(channelKey).map(held -> EndEvents.holdReplaced(held, hold));
    // TODO: when this commit fails, the device already took the value; only the battery setpoint is
    // written back by the cycle, so any other held channel keeps it while the journal keeps the old
    // hold and the failed ack does not say the device changed: the operator must read the channel back.
    endingCommit.commit(executedAck(command.commandId(), now, limited, confirmed), replaced,
        changes -> changes.putHold(hold), () -> site.holds().put(hold));
  }

  /**
   * The ack tells what the device holds: a safety limit, or a register that cannot hold the exact
   * value (its resolution), changes it, and the ack then says so.
   */
  private static Ack executedAck(String commandId, Instant now, Limited limited, double confirmed) {
    if (limited.changed()) {
      return Acks.executedLimited(commandId, now, confirmed, limited.limitedBy().orElseThrow());
    }
    if (Double.compare(confirmed, limited.appliedWatts()) != 0) {
      return Acks.executedLimited(commandId, now, confirmed, REGISTER_RESOLUTION);
    }
    return Ack.executed(commandId, now);
  }

  /** The release, its ack and its {@code hold_released} event commit in one journal transaction. */
  private void release(Command command, SiteState site) {
    String channelKey = command.target().channelKey();
    Optional<StateEvent> released = site.holds().get(channelKey).map(hold -> released(hold, command));
    endingCommit.commit(Ack.executed(command.commandId(), clock.instant()), released,
        changes -> changes.removeHold(channelKey), () -> site.holds().remove(channelKey));
  }

  private static StateEvent released(Hold hold, Command release) {
    return new StateEvent(StateEvent.HOLD_RELEASED, Map.of(
        "channel", hold.channelKey(), "command_id", hold.commandId(), "released_by", release.commandId()));
  }
}
