package energy.dispatch.edge.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the edge's state on its state topic (edge-state.schema.json): retained snapshots on
 * connect and periodically, and each event as it happens (not retained, so a late subscriber never
 * takes an old event for a new one). Thread-safe.
 */
public final class StateReporter implements StateEvents {

  private static final Logger LOG = LoggerFactory.getLogger(StateReporter.class);
  private static final Logger EVENTS = LoggerFactory.getLogger("energy.dispatch.edge.events");

  /** Publishes one state message; the future completes on PUBACK. */
  @FunctionalInterface
  public interface Publisher {
    CompletableFuture<?> publish(String topic, byte[] payload, boolean retain);
  }

  private final String edgeId;
  private final Supplier<EdgeStatus> status;
  private final Clock clock;
  private volatile Publisher publisher;

  public StateReporter(String edgeId, Supplier<EdgeStatus> status, Clock clock) {
    this.edgeId = edgeId;
    this.status = status;
    this.clock = clock;
  }

  /** Attaches the link; before that, events are only logged. */
  public void attach(Publisher publisher) {
    this.publisher = publisher;
  }

  /** The retained message the broker publishes when the edge vanishes. */
  public static byte[] offline(String edgeId) {
    return toJson(Map.of("edge_id", edgeId, "online", false));
  }

  /** Publishes the current state, retained. */
  public void publishState() {
    publish(message(status.get(), null), true);
  }

  @Override
  public void report(StateEvent event) {
    EVENTS.info("Edge event edgeId={} type={} details={}", edgeId, event.type(), event.details());
    Map<String, Object> described = new LinkedHashMap<>(event.details());
    described.put("type", event.type());
    // TODO: events are not journaled; one raised while the link is down for longer than the client's
    // publish queue holds is lost to the cloud's audit (the edge log keeps it).
    publish(message(status.get(), described), false);
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
    Publisher current = publisher;
    if (current == null) {
      return;
    }
    current.publish(Topics.state(edgeId), toJson(message), retain).whenComplete((ok, error) -> {
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
