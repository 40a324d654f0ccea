package energy.dispatch.edge.cycle;

import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.command.CommandQueue;
import energy.dispatch.edge.command.MonotonicClock;
import energy.dispatch.edge.command.QueuedCommand;
import energy.dispatch.edge.control.Limited;
import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.journal.ParameterOverride;
import energy.dispatch.edge.state.EdgeStatus;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateEvents;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.CommandType;
import energy.dispatch.schema.CommandValidator;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site controller's loop. Each {@link #runOnce} runs the named phases: read inputs, apply
 * queued commands (priority order), run the controllers, write outputs, report. Every command
 * and every device write has its own error boundary, so one failure never stops the cycle.
 * Time comes from the injected clocks; whoever calls {@code runOnce} sets the pace (a scheduler
 * in production, a test leaping time in cycle replays). Not thread-safe: call from one thread.
 */
public final class CoreCycle {

  private static final Logger LOG = LoggerFactory.getLogger(CoreCycle.class);
  /** Differences below this (in the channel's unit) are not worth a device write. */
  private static final double WRITE_TOLERANCE = 0.5;

  private final SiteState site;
  private final CommandQueue queue;
  private final CommandLedger ledger;
  private final Supplier<DeviceGateway> gateway;
  private final StateEvents events;
  private final Clock clock;
  private final MonotonicClock monotonic;
  private final Map<CommandType, CommandHandler> handlers = new EnumMap<>(CommandType.class);
  private final Map<String, String> holdLimits = new HashMap<>();
  private final Set<String> failingOutputs = new HashSet<>();
  /** This cycle's values for the output channels, from the controllers phase to the write phase. */
  private final Map<String, Double> outputs = new LinkedHashMap<>();
  private final CommandValidator validator = new CommandValidator();
  private final CycleStats stats = new CycleStats();
  private final DeviceWatch deviceWatch = new DeviceWatch();
  /** Devices that stopped or started answering in this cycle's read, reported with the cycle's state. */
  private List<StateEvent> reachabilityChanges = List.of();
  private volatile EdgeStatus status;

  public CoreCycle(
      SiteState site,
      CommandQueue queue,
      CommandLedger ledger,
      Supplier<DeviceGateway> gateway,
      SystemActions systemActions,
      StateEvents events,
      Clock clock,
      MonotonicClock monotonic,
      int defaultHoldSeconds) {
    this.site = site;
    this.queue = queue;
    this.ledger = ledger;
    this.gateway = gateway;
    this.events = events;
    this.clock = clock;
    this.monotonic = monotonic;
    ControllerCommandHandlers controllerCommands = new ControllerCommandHandlers(ledger, clock, events);
    handlers.put(CommandType.SETPOINT, new SetpointHandler(gateway, ledger, clock, defaultHoldSeconds, events));
    handlers.put(CommandType.MODE_CHANGE, controllerCommands::modeChange);
    handlers.put(CommandType.SCHEDULER, controllerCommands::scheduler);
    handlers.put(CommandType.CONFIG_OVERRIDE, controllerCommands::configOverride);
    handlers.put(CommandType.SYSTEM, new SystemCommandHandler(ledger, systemActions, events));
    this.status = buildStatus();
  }

  public SiteState site() {
    return site;
  }

  public CycleStats stats() {
    return stats;
  }

  /** The state as of the last cycle; safe from any thread. */
  public EdgeStatus status() {
    return status;
  }

  public Duration period() {
    return Duration.ofMillis(site.config().cyclePeriodMs());
  }

  /** One cycle, all phases, due now. */
  public void runOnce() {
    runOnce(monotonic.nanos());
  }

  /**
   * One cycle, all phases.
   *
   * @param dueNanos when the schedule meant it to start, on the monotonic clock; how much later it
   *     starts is its lateness
   */
  public void runOnce(long dueNanos) {
    long startNanos = monotonic.nanos();
    Instant now = clock.instant();
    endHoldsAndOverrides(now);
    readInputs();
    applyCommands();
    runControllers();
    writeOutputs();
    report(startNanos - dueNanos, startNanos);
  }

  /** Brings the reported state up to date after a change between cycles (a new config). */
  public void refreshStatus() {
    status = buildStatus();
  }

  /** Applies queued emergency commands at once, between cycles, on the latest inputs. */
  public void applyEmergencies() {
    Optional<QueuedCommand> next;
    while ((next = queue.pollEmergency()).isPresent()) {
      apply(next.get());
    }
    status = buildStatus();
  }

  // --- phase 0: housekeeping: holds and overrides whose time is up

  // Each removal is journaled in one transaction with its event, then made in memory: a crash
  // keeps both or neither. A journal failure leaves that one in force for the next cycle, and this
  // cycle goes on: skipping it would stop the inputs, the controllers and the safety limits.
  private void endHoldsAndOverrides(Instant now) {
    for (Hold hold : site.holds().endedAt(now)) {
      endOne("hold on " + hold.channelKey() + " of commandId=" + hold.commandId(), () -> {
        events.report(EndEvents.holdEnded(hold, Map.of()), changes -> changes.removeHold(hold.channelKey()));
        site.holds().remove(hold.channelKey());
        holdLimits.remove(hold.channelKey());
      });
    }
    for (ParameterOverride override : site.controllers().endedOverrides(now)) {
      endOne("override of " + override.controller() + "/" + override.parameter() + " of commandId="
          + override.commandId(), () -> {
            events.report(EndEvents.overrideReverted(override, site.controllers(), Map.of()),
                changes -> changes.removeOverride(override.controller(), override.parameter()));
            site.controllers().removeOverride(override.controller(), override.parameter());
          });
    }
  }

  private static void endOne(String what, Runnable end) {
    try {
      end.run();
    } catch (RuntimeException e) {
      LOG.error("Ending the {} failed; it stays in force and is tried again next cycle. Check the edge "
          + "journal's disk", what, e);
    }
  }

  // --- phase 1: read inputs

  private void readInputs() {
    DeviceGateway devices = gateway.get();
    try {
      site.newInputs(devices.readAll());
    } catch (RuntimeException e) {
      LOG.error("Reading inputs failed; this cycle runs without inputs", e);
      site.newInputs(Map.of());
    }
    try {
      reachabilityChanges = deviceWatch.observe(site.config(), devices, clock.instant());
    } catch (RuntimeException e) {
      LOG.error("Checking which devices answer failed; the reported reachability is from an earlier cycle", e);
    }
  }

  // --- phase 2: apply commands, highest priority first

  private void applyCommands() {
    Optional<QueuedCommand> next;
    while ((next = queue.poll()).isPresent()) {
      apply(next.get());
    }
  }

  private void apply(QueuedCommand queued) {
    if (queued.deadline().passed(clock.instant(), monotonic.nanos())) {
      ledger.result(Ack.of(queued.commandId(), AckStatus.EXPIRED, clock.instant(),
          ErrorDetail.of(ErrorCode.DEADLINE_PASSED, "the command expired before the edge could execute it")));
      return;
    }
    // The config may have changed since intake: a command it no longer allows is rejected, not run.
    Optional<ErrorDetail> invalid = validator.validate(queued.command(), site.config());
    if (invalid.isPresent()) {
      ledger.result(Ack.of(queued.commandId(), AckStatus.REJECTED, clock.instant(), invalid.get()));
      return;
    }
    try {
      handlers.get(queued.command().commandType()).apply(queued, site);
    } catch (RuntimeException e) {
      LOG.error("Command failed commandId={}", queued.commandId(), e);
      failSafely(queued, e);
    }
  }

  private void failSafely(QueuedCommand queued, RuntimeException cause) {
    try {
      ledger.result(Acks.failed(queued.commandId(), clock.instant(), ErrorCode.INTERNAL,
          "the edge failed to execute the command: " + cause.getMessage()));
    } catch (RuntimeException e) {
      // The journal itself failed: the command stays unfinished and is recovered at the next start.
      LOG.error("Recording the failure failed commandId={}; recovery at next start will answer it",
          queued.commandId(), e);
    }
  }

  // --- phase 3: controllers, under the holds and the safety limits

  private void runControllers() {
    outputs.clear();
    site.layout().batterySetpointKey().ifPresent(key -> batteryOutput(key).ifPresent(watts -> outputs.put(key, watts)));
  }

  private OptionalDouble batteryOutput(String key) {
    Optional<Hold> hold = site.holds().get(key);
    if (hold.isPresent()) {
      return OptionalDouble.of(limitHeld(hold.get()));
    }
    if (!site.controllers().anyDrivesBattery()) {
      // Nobody claims the battery: it stands still rather than keep an old setpoint forever.
      return OptionalDouble.of(site.batteryLimits().apply(0).appliedWatts());
    }
    OptionalDouble wanted = site.controllers().batteryWatts(site.readings());
    return wanted.isPresent()
        ? OptionalDouble.of(site.batteryLimits().apply(wanted.getAsDouble()).appliedWatts())
        : OptionalDouble.empty();
  }

  /** A held value still yields to the safety limits; the edge reports when that starts. */
  private double limitHeld(Hold hold) {
    Limited limited = site.batteryLimits().apply(hold.value());
    String limitedBy = limited.limitedBy().orElse(null);
    String before = holdLimits.put(hold.channelKey(), limitedBy);
    if (limitedBy != null && !limitedBy.equals(before)) {
      events.report(new StateEvent(StateEvent.HOLD_LIMITED, Map.of("channel", hold.channelKey(),
          "command_id", hold.commandId(), "applied_value", limited.appliedWatts(), "limited_by", limitedBy)));
    }
    return limited.appliedWatts();
  }

  // --- phase 4: write outputs, one error boundary per device

  private void writeOutputs() {
    outputs.forEach(this::writeIfChanged);
  }

  private void writeIfChanged(String channelKey, double value) {
    Double current = site.inputs().get(channelKey);
    if (current != null && Math.abs(current - value) < WRITE_TOLERANCE) {
      return;
    }
    String[] parts = channelKey.split("/", 2);
    try {
      double confirmed = gateway.get().write(parts[0], parts[1], value);
      site.inputs().put(channelKey, confirmed);
      if (failingOutputs.remove(channelKey)) {
        LOG.info("Output write works again channel={}", channelKey);
      }
    } catch (DeviceException e) {
      // Once per outage, not once per cycle: the device adapter reports the device itself.
      if (failingOutputs.add(channelKey)) {
        LOG.warn("Output write failed channel={} code={}; retried every cycle", channelKey, e.error().code());
      }
    } catch (RuntimeException e) {
      LOG.error("Output write failed channel={}; retried next cycle", channelKey, e);
    }
  }

  // --- phase 5: report

  private void report(long lateNanos, long startNanos) {
    stats.record(lateNanos, monotonic.nanos() - startNanos,
        TimeUnit.MILLISECONDS.toNanos(site.config().cyclePeriodMs()));
    status = buildStatus();
    // after the status: each event carries the state that shows the change it reports
    reachabilityChanges.forEach(events::report);
    reachabilityChanges = List.of();
  }

  private EdgeStatus buildStatus() {
    return new EdgeStatus(site.config().version(), site.controllers().describe(), site.holds().all(),
        site.controllers().overrides(), queue.depth(), stats.lastCycleMillis(), stats.overruns(), stats.cycles(),
        stats.lateness(), deviceWatch.current());
  }
}
