package energy.dispatch.edge;

import energy.dispatch.edge.command.CommandIntake;
import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.command.CommandQueue;
import energy.dispatch.edge.command.MonotonicClock;
import energy.dispatch.edge.config.ConfigApplier;
import energy.dispatch.edge.config.ConfigStore;
import energy.dispatch.edge.config.ConfigSync;
import energy.dispatch.edge.control.Controllers;
import energy.dispatch.edge.cycle.CoreCycle;
import energy.dispatch.edge.cycle.EndEvents;
import energy.dispatch.edge.cycle.CycleSchedule;
import energy.dispatch.edge.cycle.Holds;
import energy.dispatch.edge.cycle.Recovery;
import energy.dispatch.edge.cycle.SiteState;
import energy.dispatch.edge.cycle.SystemActions;
import energy.dispatch.edge.device.DeviceGateway;
import energy.dispatch.edge.journal.Hold;
import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.journal.JournalEntry;
import energy.dispatch.edge.journal.PendingAck;
import energy.dispatch.edge.journal.PendingEvent;
import energy.dispatch.edge.mqtt.JournalOutbox;
import energy.dispatch.edge.mqtt.InboundHandler;
import energy.dispatch.edge.mqtt.MqttLink;
import energy.dispatch.edge.state.EdgeStatus;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateReporter;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.DedupeWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lifetime of the agent, from journal open to close: the parts and their threads. The cycle
 * thread owns the site state; the intake thread takes MQTT messages; two outbox threads send the
 * journaled acks and state events.
 */
final class EdgeRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeRuntime.class);
  /** Finished commands are remembered this long for dedupe: beyond the session expiry and any command expiry. */
  static final Duration DEDUPE_WINDOW = DedupeWindow.EDGE;
  private static final Executor STARTUP = runnable -> {
    Thread thread = new Thread(runnable, "edge-startup");
    thread.setDaemon(true);
    thread.start();
  };

  private final EdgeSettings settings;
  private final DeviceGatewayFactory devices;
  private final Journal journal;
  private final AtomicReference<DeviceGateway> gateway = new AtomicReference<>();
  private final JournalOutbox<PendingAck> acks;
  private final JournalOutbox<PendingEvent> events;
  private final CommandLedger ledger;
  private final CommandQueue queue;
  private final SiteState site;
  private final StateReporter reporter;
  private final ConfigSync configSync;
  private final CoreCycle cycle;
  private final CommandIntake intake;
  private final ScheduledExecutorService cycleThread;
  private final CycleSchedule schedule;
  private final ExecutorService intakeThread;
  private final MqttLink link;
  private volatile CapabilityConfig config;
  private volatile List<JournalEntry> unfinishedAtStart;

  EdgeRuntime(EdgeSettings settings, DeviceGatewayFactory devices, Consumer<String> restart) {
    this.settings = settings;
    this.devices = devices;
    String edgeId = settings.edgeId();
    ConfigStore store = new ConfigStore(settings.capabilityConfigPath());
    // Start-up is mostly class loading; the config check, the journal and the MQTT client load in parallel.
    CompletableFuture<CapabilityConfig> loading = CompletableFuture.supplyAsync(() -> store.load(edgeId), STARTUP);
    CompletableFuture<Void> warming = CompletableFuture.runAsync(MqttLink::warmUp, STARTUP);
    this.journal = Journal.open(settings.journalPath());
    try {
      this.config = joined(loading);
      joined(warming);
      int purged = journal.purgeFinishedBefore(settings.clock().instant().minus(DEDUPE_WINDOW));
      LOG.info("Journal purged edgeId={} commands={} olderThan={}", edgeId, purged, DEDUPE_WINDOW);
      this.acks = JournalOutbox.acks(edgeId, journal);
      this.events = JournalOutbox.events(edgeId, journal);
      this.ledger = new CommandLedger(journal, acks::send, settings.clock());
      this.queue = new CommandQueue(settings.queueCapacity());
      this.site = new SiteState(config, Controllers.of(config, journal.controllerSettings(), journal.overrides()),
          new Holds(journal.holds()));
      this.cycleThread = Executors.newSingleThreadScheduledExecutor(named("edge-cycle-" + edgeId));
      this.schedule = new CycleSchedule(cycleThread, MonotonicClock.system(),
          dueNanos -> guarded("cycle", () -> tick(dueNanos)).run());
      this.intakeThread = Executors.newSingleThreadExecutor(named("edge-intake-" + edgeId));
      AtomicReference<CoreCycle> cycleRef = new AtomicReference<>();
      this.reporter = new StateReporter(edgeId, () -> cycleRef.get().status(), settings.clock(),
          (raised, change) -> journal.recordEvents(raised, change).forEach(events::send));
      this.configSync = new ConfigSync(edgeId, store, ledger, () -> config,
          (next, outcome) -> cycleThread.execute(guarded("config apply", () -> apply(next, outcome))),
          reporter, settings.clock());
      this.cycle = new CoreCycle(site, queue, ledger, gateway::get, systemActions(restart), reporter,
          settings.clock(), MonotonicClock.system(), settings.defaultHoldSeconds());
      cycleRef.set(cycle);
      this.intake = new CommandIntake(edgeId, ledger, queue, () -> config, settings.clock(), MonotonicClock.system(),
          settings.clockSynchronized(), () -> cycleThread.execute(cycle::applyEmergencies));
      this.link = new MqttLink(edgeId, settings.secret(), settings.brokerHost(), settings.brokerPort(),
          settings.keepAliveSeconds(), settings.brokerTrust(), StateReporter.offline(edgeId), inbound(), intakeThread,
          this::linkUp, this::sessionTakenOver, MonotonicClock.system());
    } catch (RuntimeException e) {
      journal.close();
      throw e;
    }
  }

  /** Recovery first, then the cycle on its period, the state report, and the link. */
  void start() {
    acks.attach(link);
    events.attach(link);
    reporter.attach(link::publish, link::connected);
    configSync.attach((topic, payload) -> link.publish(topic, payload, false));
    // Taken before the link delivers anything: what arrives from now on is not the recovery's business.
    unfinishedAtStart = journal.unfinished();
    // Devices open on the cycle thread, so that a device that is down never delays the start.
    cycleThread.execute(guarded("recovery", this::ready));
    schedule.start(Duration.ofMillis(config.cyclePeriodMs()));
    long reportMillis = settings.stateReportPeriod().toMillis();
    cycleThread.scheduleAtFixedRate(guarded("state report", reporter::publishState), reportMillis, reportMillis,
        TimeUnit.MILLISECONDS);
    link.connect();
  }

  EdgeStatus status() {
    return cycle.status();
  }

  boolean connected() {
    return link.connected();
  }

  private void tick(long dueNanos) {
    configSync.expire(settings.clock().instant());
    if (ready()) {
      cycle.runOnce(dueNanos);
    }
  }

  /** Devices open and the journal's unfinished commands settled; on the cycle thread only. */
  private boolean ready() {
    if (!devicesOpen()) {
      return false;
    }
    if (unfinishedAtStart != null) {
      List<JournalEntry> unfinished = unfinishedAtStart;
      unfinishedAtStart = null;
      new Recovery(ledger, intake, gateway::get, site, settings.clock(), settings.defaultHoldSeconds()).run(unfinished);
    }
    return true;
  }

  /** Opens the devices if they are not open yet; false (logged) while that fails. */
  private boolean devicesOpen() {
    if (gateway.get() != null) {
      return true;
    }
    try {
      gateway.set(devices.open(config));
      return true;
    } catch (RuntimeException e) {
      LOG.error("Opening the devices failed edgeId={}; commands wait, retried next cycle", settings.edgeId(), e);
      return false;
    }
  }

  private void linkUp() {
    acks.pump();
    events.pump();
    reporter.publishState();
  }

  /** Another client connected with this edge's id: the cloud hears of it once the link is back. */
  private void sessionTakenOver(Duration backoff) {
    reporter.report(new StateEvent(StateEvent.SESSION_TAKEN_OVER, Map.of("backoff_sec", backoff.toSeconds())));
  }

  private InboundHandler inbound() {
    return new InboundHandler() {
      @Override
      public void command(byte[] payload, OptionalLong messageExpirySec, long receivedNanos) {
        intake.accept(payload, messageExpirySec, receivedNanos);
      }

      @Override
      public void config(byte[] payload) {
        configSync.onMessage(payload);
      }
    };
  }

  private SystemActions systemActions(Consumer<String> restart) {
    return new SystemActions() {
      @Override
      public void restart(String commandId) {
        Thread restarter = new Thread(() -> restart.accept(commandId), "edge-restart-" + settings.edgeId());
        restarter.start();
      }

      @Override
      public void syncConfig(String commandId) {
        configSync.request(commandId);
      }
    };
  }

  /** Puts a new config in force and tells {@code outcome}; on the cycle thread only. */
  private void apply(CapabilityConfig next, ConfigApplier.Outcome outcome) {
    try {
      replaceConfig(next);
    } catch (RuntimeException e) {
      LOG.error("Applying config version {} failed edgeId={}; version {} stays in force", next.version(),
          settings.edgeId(), config.version(), e);
      outcome.failed(e);
      return;
    }
    outcome.applied();
  }

  /**
   * A new config becomes the baseline: devices reopened, controllers as configured (modes, run
   * list and overrides start again from it), holds on channels that no longer exist dropped, and
   * each override and hold that ends so reported; the next cycle comes at its period. The new
   * devices open and the journal commits before anything in memory changes, so a failure of
   * either leaves the config in force whole.
   */
  private void replaceConfig(CapabilityConfig next) {
    CapabilityConfig previous = config;
    Controllers controllers = Controllers.of(next, List.of(), List.of());
    List<Hold> dropped = holdsWithoutChannel(next);
    // TODO: the new config's connections open while the old ones are still open, so that a failure
    // leaves the old config running; a device that admits one Modbus client at a time refuses the
    // new connection and is reported unreachable until its back-off ends after each config change.
    DeviceGateway opened = devices.open(next);
    try {
      reporter.report(configChanged(previous, next, controllers, dropped), changes -> {
        changes.clearControllerSettings();
        dropped.forEach(hold -> changes.removeHold(hold.channelKey()));
      });
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
    DeviceGateway old = gateway.getAndSet(opened);
    if (old != null) {
      old.close();
    }
    site.replace(next, controllers);
    dropped.forEach(hold -> site.holds().remove(hold.channelKey()));
    config = next;
    schedule.reschedule(Duration.ofMillis(next.cyclePeriodMs()));
    cycle.refreshStatus();
    LOG.info("Config applied edgeId={} version={} previousVersion={} cyclePeriodMs={}", settings.edgeId(),
        next.version(), previous.version(), next.cyclePeriodMs());
  }

  /** The end of every override and of the holds {@code dropped}, then the new config itself. */
  private List<StateEvent> configChanged(CapabilityConfig previous, CapabilityConfig next, Controllers controllers,
      List<Hold> dropped) {
    List<StateEvent> raised = new ArrayList<>();
    site.controllers().overrides().forEach(override ->
        raised.add(EndEvents.overrideReverted(override, controllers, EndEvents.CONFIG_CHANGE)));
    dropped.forEach(hold -> raised.add(EndEvents.holdEnded(hold, EndEvents.CONFIG_CHANGE)));
    raised.add(new StateEvent(StateEvent.CONFIG_APPLIED,
        Map.of("config_version", next.version(), "previous_version", previous.version())));
    return raised;
  }

  private List<Hold> holdsWithoutChannel(CapabilityConfig next) {
    return site.holds().all().stream().filter(hold -> {
      String[] parts = hold.channelKey().split("/", 2);
      return next.device(parts[0]).flatMap(device -> device.channel(parts[1])).isEmpty();
    }).toList();
  }

  private static <T> T joined(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private Runnable guarded(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("{} failed edgeId={}; the next run goes ahead", what, settings.edgeId(), e);
      }
    };
  }

  private static java.util.concurrent.ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    link.close();
    shutdown(intakeThread);
    shutdown(cycleThread);
    acks.close();
    events.close();
    DeviceGateway current = gateway.get();
    if (current != null) {
      current.close();
    }
    journal.close();
  }

  private static void shutdown(ExecutorService executor) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
