package energy.dispatch.edge.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.journal.NewEvent;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the edge's state on its state topic (edge-state.schema.json): retained snapshots on
 * connect and periodically, while the link is up, and each event as it happens. Only the latest
 * state matters and the broker retains it, so a snapshot is skipped while the link is down (the
 * link publishes a fresh one when it is back) and an outage queues nothing. Events are different:
 * the cloud audits each, so each is journaled with the state it was raised in and forwarded in
 * order, not retained (a late subscriber never takes an old event for a new one), once the link
 * is back. Thread-safe.
 */
public final class StateReporter implements StateEvents {

  private static final Logger LOG = LoggerFactory.getLogger(StateReporter.class);
  private static final Logger EVENTS = LoggerFactory.getLogger("energy.dispatch.edge.events");

  /** Publishes one state message; the future completes on PUBACK. */
  @FunctionalInterface
  public interface Publisher {
    CompletableFuture<?> publish(String topic, byte[] payload, boolean retain);
  }

  /**
   * Keeps events' state messages durably, in one transaction with the state change they report,
   * and forwards them to the cloud in the order raised.
   */
  @FunctionalInterface
  public interface EventJournal {
    void append(List<NewEvent> events, Consumer<Journal.Changes> change);
  }

  private final String edgeId;
  private final Supplier<EdgeStatus> status;
  private final Clock clock;
  private final EventJournal journal;
  private volatile Publisher publisher;
  private volatile BooleanSupplier linkUp = () -> false;

  public StateReporter(String edgeId, Supplier<EdgeStatus> status, Clock clock, EventJournal journal) {
    this.edgeId = edgeId;
    this.status = status;
    this.clock = clock;
    this.journal = journal;
  }

  /** Attaches the link; before that, only events are kept (journaled), and no snapshot is published. */
  public void attach(Publisher publisher, BooleanSupplier linkUp) {
    this.publisher = publisher;
    this.linkUp = linkUp;
  }

  /** The retained message the broker publishes when the edge vanishes. */
  public static byte[] offline(String edgeId) {
    return toJson(Map.of("edge_id", edgeId, "online", false));
  }

  /** Publishes the current state, retained; skipped while the link is down. */
  public void publishState() {
    if (linkUp.getAsBoolean()) {
      publish(message(status.get(), null), true);
    }
  }

  @Override
  public void report(List<StateEvent> raised, Consumer<Journal.Changes> change) {
    Instant raisedAt = clock.instant();
    EdgeStatus current = status.get();
    List<NewEvent> messages = raised.stream().map(event -> stateMessage(event, current, raisedAt)).toList();
    try {
      journal.append(messages, change);
      logEvents(raised);
    } catch (RuntimeException e) {
      if (change != NO_CHANGE) {
        // The change is rolled back with its events: the caller keeps its state as it was and tries again.
        throw e;
      }
      // The cycle must go on: the event goes out now if it can, and the edge log keeps it.
      logEvents(raised);
      LOG.error("Events not journaled edgeId={} types={}; published once without retry, lost if the link is down",
          edgeId, raised.stream().map(StateEvent::type).toList(), e);
      if (linkUp.getAsBoolean()) {
        messages.forEach(message -> publish(message.payload().getBytes(StandardCharsets.UTF_8), false));
      }
    }
  }

  /** An event with the state it was raised in, as journaled and sent. */
  private void logEvents(List<StateEvent> raised) {
    raised.forEach(event -> EVENTS.info("Edge event edgeId={} type={} details={}", edgeId, event.type(),
        event.details()));
  }

  private NewEvent stateMessage(StateEvent event, EdgeStatus current, Instant raisedAt) {
    Map<String, Object> described = new LinkedHashMap<>(event.details());
    described.put("type", event.type());
    // The cloud may see an event twice (a PUBACK lost to a crash); the id lets it keep one.
    described.put("event_id", UUID.randomUUID().toString());
    return new NewEvent(event.type(), new String(toJson(message(current, described)), StandardCharsets.UTF_8),
        raisedAt);
  }

  private Map<String, Object> message(EdgeStatus current, Map<String, Object> event) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("edge_id", edgeId);
    message.put("online", true);
    message.put("at", clock.instant().toString());
    message.put("config_version", current.configVersion());
    message.put("controllers", current.controllers());
    message.put("holds", current.holds());
    message.put("overrides", current.overrides());
    message.put("queue_depth", current.queueDepth());
    message.put("last_cycle_ms", current.lastCycleMs());
    message.put("cycle_overruns", current.cycleOverruns());
    message.put("cycles", current.cycles());
    message.put("cycle_start_lateness_ms", lateness(current.cycleStartLateness()));
    message.put("devices", new TreeMap<>(current.devices()));
    if (event != null) {
      message.put("event", event);
    }
    return message;
  }

  private static Map<String, Object> lateness(CycleLateness lateness) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("p50", lateness.p50Ms());
    figures.put("p99", lateness.p99Ms());
    figures.put("max", lateness.maxMs());
    figures.put("samples", lateness.samples());
    return figures;
  }

  private void publish(Map<String, Object> message, boolean retain) {
    publish(toJson(message), retain);
  }

  private void publish(byte[] message, boolean retain) {
    Publisher current = publisher;
    if (current == null) {
      return;
    }
    current.publish(Topics.state(edgeId), message, retain).whenComplete((ok, error) -> {
      if (error != null) {
        LOG.warn("State not published edgeId={}: {}", edgeId, error.getMessage());
      }
    });
  }

  private static byte[] toJson(Map<String, Object> message) {
    try {
      return Json.mapper().writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("state message cannot be serialised", e);
    }
  }
}
