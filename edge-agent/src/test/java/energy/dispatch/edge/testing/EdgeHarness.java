package energy.dispatch.edge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.edge.command.CommandIntake;
import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.command.CommandQueue;
import energy.dispatch.edge.control.Controllers;
import energy.dispatch.edge.cycle.CoreCycle;
import energy.dispatch.edge.cycle.Holds;
import energy.dispatch.edge.cycle.Recovery;
import energy.dispatch.edge.cycle.SiteState;
import energy.dispatch.edge.cycle.SystemActions;
import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateReporter;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.SchemaValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The edge without its MQTT link, for cycle-replay tests: a real journal, intake, queue, Core
 * Cycle and controllers on a fake clock, over a {@link SiteModelGateway}. Acks and events are
 * recorded in order, and events journaled as the agent does. Close it to "stop the process"; open another on the same directory to restart.
 */
public final class EdgeHarness implements AutoCloseable {

  public static final Path DEMO_CONFIG = Path.of("..", "config", "sites", "site1_edge_prod.json");

  public final FakeClock clock;
  public final SiteModelGateway gateway;
  public final Journal journal;
  public final CommandQueue queue;
  public final SiteState site;
  public final CoreCycle cycle;
  public final CommandIntake intake;
  public final Commands commands;
  public final List<Ack> acks = new CopyOnWriteArrayList<>();
  public final List<StateEvent> events = new CopyOnWriteArrayList<>();
  public final List<String> systemActions = new CopyOnWriteArrayList<>();
  /** When set, system actions throw it, as a defect would. */
  public volatile RuntimeException systemActionFailure;
  /**
   * When set, journaling events fails with it inside their transaction, as a full disk would, so
   * whatever commits with them is rolled back too.
   */
  public volatile RuntimeException eventJournalFailure;
  private final CommandLedger ledger;

  public EdgeHarness(Path directory, SiteModelGateway gateway, FakeClock clock, int queueCapacity) {
    this.clock = clock;
    this.gateway = gateway;
    this.journal = Journal.open(directory.resolve("journal.db"));
    this.ledger = new CommandLedger(journal, ack -> acks.add(parse(ack.payload())), clock);
    CapabilityConfig config = demoConfig();
    this.queue = new CommandQueue(queueCapacity);
    this.site = new SiteState(config, Controllers.of(config, journal.controllerSettings(), journal.overrides()),
        new Holds(journal.holds()));
    AtomicReference<CoreCycle> cycleRef = new AtomicReference<>();
    StateReporter reporter = new StateReporter(Commands.EDGE, () -> cycleRef.get().status(), clock,
        (raised, change) -> journal.recordEvents(raised, change.andThen(changes -> failEventJournal())));
    this.cycle = new CoreCycle(site, queue, ledger, () -> gateway, recordingActions(), (raised, change) -> {
      reporter.report(raised, change);
      events.addAll(raised);
    }, clock, clock, 900);
    cycleRef.set(cycle);
    this.intake = new CommandIntake(Commands.EDGE, ledger, queue, site::config, clock, clock, true,
        cycle::applyEmergencies);
    this.commands = new Commands(clock);
  }

  public EdgeHarness(Path directory, SiteModelGateway gateway, FakeClock clock) {
    this(directory, gateway, clock, 100);
  }

  public static CapabilityConfig demoConfig() {
    try {
      return CapabilityConfig.parse(Json.mapper().readTree(DEMO_CONFIG.toFile()));
    } catch (IOException e) {
      throw new IllegalStateException("demo config not readable at " + DEMO_CONFIG.toAbsolutePath(), e);
    }
  }

  /** Delivers a command message as the link would. */
  public void send(JsonNode command) {
    send(command.toString());
  }

  public void send(String payload) {
    intake.accept(payload.getBytes(StandardCharsets.UTF_8), OptionalLong.empty(), clock.nanos());
  }

  public void sendWithMessageExpiry(JsonNode command, long expirySec) {
    intake.accept(command.toString().getBytes(StandardCharsets.UTF_8), OptionalLong.of(expirySec), clock.nanos());
  }

  /** Settles what the journal holds unfinished, as a fresh start does. */
  public void recover() {
    new Recovery(ledger, intake, () -> gateway, site, clock, 900).run();
  }

  public void cycle() {
    cycle.runOnce();
  }

  /** Moves time by one period (site physics included) and runs a cycle. */
  public void step() {
    step(Duration.ofSeconds(1));
  }

  public void step(Duration period) {
    clock.advance(period);
    gateway.model().advance(period);
    cycle.runOnce();
  }

  public List<Ack> acksFor(String commandId) {
    return acks.stream().filter(ack -> ack.commandId().equals(commandId)).toList();
  }

  public List<AckStatus> statusesFor(String commandId) {
    return acksFor(commandId).stream().map(Ack::status).toList();
  }

  public Ack resultFor(String commandId) {
    return acksFor(commandId).stream().filter(ack -> ack.status().isResult()).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no result ack for " + commandId + " in " + acks));
  }

  public List<StateEvent> events(String type) {
    return events.stream().filter(event -> event.type().equals(type)).toList();
  }

  private SystemActions recordingActions() {
    return new SystemActions() {
      @Override
      public void restart(String commandId) {
        if (systemActionFailure != null) {
          throw systemActionFailure;
        }
        systemActions.add("restart:" + commandId);
      }

      @Override
      public void syncConfig(String commandId) {
        systemActions.add("sync_config:" + commandId);
      }
    };
  }

  private void failEventJournal() {
    if (eventJournalFailure != null) {
      throw eventJournalFailure;
    }
  }

  /** Every ack the edge sends must match ack.schema.json; a test fails at the first that does not. */
  private static Ack parse(String payload) {
    try {
      List<String> violations = SchemaValidator.instance()
          .violations(SchemaValidator.Schema.ACK, Json.mapper().readTree(payload));
      if (!violations.isEmpty()) {
        throw new AssertionError("ack violates ack.schema.json: " + violations + " in " + payload);
      }
      return Json.mapper().readValue(payload, Ack.class);
    } catch (IOException e) {
      throw new IllegalStateException("ack is not JSON: " + payload, e);
    }
  }

  @Override
  public void close() {
    journal.close();
  }
}
