package energy.dispatch.edge.cycle;

import energy.dispatch.edge.command.CommandIntake;
import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.journal.JournalEntry;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandType;
import energy.dispatch.schema.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles, at start and before the first cycle, what the journal shows unfinished: commands still
 * queued go back to the queue; a device write interrupted between intent and result is decided
 * by reading the device back, never by writing again; a restart that was under way is done.
 */
public final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private final CommandLedger ledger;
  private final CommandIntake intake;
  private final Supplier<DeviceGateway> gateway;
  private final SiteState site;
  private final Clock clock;
  private final int defaultHoldSeconds;

  public Recovery(CommandLedger ledger, CommandIntake intake, Supplier<DeviceGateway> gateway, SiteState site,
      Clock clock, int defaultHoldSeconds) {
    this.ledger = ledger;
    this.intake = intake;
    this.gateway = gateway;
    this.site = site;
    this.clock = clock;
    this.defaultHoldSeconds = defaultHoldSeconds;
  }

  /** Settles everything the journal shows unfinished now; only before the link delivers anything. */
  public void run() {
    run(ledger.journal().unfinished());
  }

  /** Settles {@code unfinished}, read from the journal before the link delivered anything. */
  public void run(List<JournalEntry> unfinished) {
    for (JournalEntry entry : unfinished) {
      try {
        settle(entry);
      } catch (RuntimeException e) {
        LOG.error("Recovery failed commandId={}; answering outcome_unknown", entry.commandId(), e);
        ledger.result(Acks.failed(entry.commandId(), clock.instant(), ErrorCode.OUTCOME_UNKNOWN,
            "the edge could not settle the command after a restart: " + e.getMessage()));
      }
    }
  }

  private void settle(JournalEntry entry) {
    Command command = CommandIntake.toCommand(entry.payload());
    if (!entry.interrupted()) {
      LOG.info("Recovered queued command commandId={}", entry.commandId());
      intake.requeue(entry.seq(), command);
    } else if (command.commandType() == CommandType.SETPOINT && entry.intentValue().isPresent()) {
      readBack(command, entry.intentValue().getAsDouble());
    } else if (isRestart(command)) {
      LOG.info("Restart complete commandId={}", entry.commandId());
      ledger.result(Ack.executed(command.commandId(), clock.instant()));
    } else {
      ledger.result(Acks.failed(command.commandId(), clock.instant(), ErrorCode.OUTCOME_UNKNOWN,
          "the agent stopped while the command was under way; config version " + site.config().version()
              + " is in force; send the command again if it is still wanted"));
    }
  }

  private static boolean isRestart(Command command) {
    return command.commandType() == CommandType.SYSTEM && SystemCommandHandler.RESTART.equals(command.value().asText());
  }

  private void readBack(Command command, double intended) {
    String deviceId = command.target().deviceId();
    String channelName = command.target().channel();
    String channelKey = command.target().channelKey();
    Optional<Channel> channel = site.channel(deviceId, channelName);
    if (channel.isEmpty() || !channel.get().readable()) {
      unknown(command, "channel " + channelKey + " cannot be read back");
      return;
    }
    double actual;
    try {
      actual = gateway.get().read(deviceId, channelName);
    } catch (DeviceException e) {
      unknown(command, "reading " + channelKey + " back failed (" + e.error().code() + ": " + e.getMessage() + ")");
      return;
    }
    double tolerance = Math.max(Math.abs(channel.get().scale()) / 2, 1e-6 * Math.abs(intended));
    if (Math.abs(actual - intended) <= tolerance) {
      confirmed(command, actual);
    } else {
      unknown(command, channelKey + " reads " + actual + ", not the intended " + intended);
    }
  }

  private void confirmed(Command command, double actual) {
    Instant now = clock.instant();
    int holdSeconds = command.holdSec() != null ? command.holdSec() : defaultHoldSeconds;
    Hold hold = new Hold(command.target().channelKey(), command.commandId(), command.value().asDouble(),
        now.plusSeconds(holdSeconds));
    LOG.info("Interrupted write confirmed by read-back commandId={} value={}", command.commandId(), actual);
    double requested = command.value().asDouble();
    Ack ack = Math.abs(actual - requested) < 1e-9 ? Ack.executed(command.commandId(), now)
        : Acks.executedLimited(command.commandId(), now, actual, "recovered_read_back");
    ledger.result(ack, changes -> changes.putHold(hold));
    site.holds().put(hold);
  }

  private void unknown(Command command, String why) {
    LOG.warn("Interrupted write not confirmed commandId={}: {}", command.commandId(), why);
    ledger.result(Acks.failed(command.commandId(), clock.instant(), ErrorCode.OUTCOME_UNKNOWN,
        "the agent stopped between the device write and its result; " + why + "; the value was not written again"));
  }
}
