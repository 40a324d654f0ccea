package energy.dispatch.edge.mqtt;

import energy.dispatch.edge.FaultPoints;
import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.journal.Outgoing;
import energy.dispatch.edge.journal.PendingAck;
import energy.dispatch.edge.journal.PendingEvent;
import energy.dispatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends journaled messages of one kind (acks, or state events) in journal order, a window at a
 * time no larger than the broker's receive maximum, and marks each sent in the journal on its
 * PUBACK. What is unsent when the link drops or the agent stops is sent when the link is back.
 * Thread-safe: all state lives on one thread.
 */
public final class JournalOutbox<T extends Outgoing> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JournalOutbox.class);
  /** Our own cap on messages in flight, below any sensible broker receive maximum. */
  static final int MAX_IN_FLIGHT = 16;

  /** Where one kind of message goes and how the journal keeps it. */
  private record Route(String kind, String topic, LongConsumer markSent, Runnable beforePublish) {}

  private final Route route;
  private final ExecutorService thread;
  private final TreeMap<Long, T> waiting = new TreeMap<>();
  private final Map<Long, T> inFlight = new TreeMap<>();
  private volatile MqttLink link;

  private JournalOutbox(String edgeId, Route route, Supplier<List<T>> unsent) {
    this.route = route;
    this.thread = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = new Thread(runnable, "edge-" + route.kind() + "s-" + edgeId);
      t.setDaemon(true);
      return t;
    });
    thread.execute(() -> unsent.get().forEach(message -> waiting.put(message.seq(), message)));
  }

  /** The acks on the edge's ack topic; a fault point lets process tests stop the agent before each. */
  public static JournalOutbox<PendingAck> acks(String edgeId, Journal journal) {
    return new JournalOutbox<>(edgeId, new Route("ack", Topics.acks(edgeId), journal::markAckSent,
        () -> FaultPoints.reached(FaultPoints.BEFORE_ACK)), journal::unsentAcks);
  }

  /** The state events on the edge's state topic, not retained (a late subscriber must not take an old event for new). */
  public static JournalOutbox<PendingEvent> events(String edgeId, Journal journal) {
    return new JournalOutbox<>(edgeId, new Route("event", Topics.state(edgeId), journal::markEventSent, () -> {}),
        journal::unsentEvents);
  }

  /** Attaches the link; messages wait until then. */
  public void attach(MqttLink link) {
    this.link = link;
    pump();
  }

  /** Sends a message just journaled, after those before it. */
  public void send(T message) {
    thread.execute(() -> {
      waiting.put(message.seq(), message);
      sendWaiting();
    });
  }

  /** Sends what waits, e.g. when the link is back. */
  public void pump() {
    thread.execute(this::sendWaiting);
  }

  private void sendWaiting() {
    MqttLink current = link;
    if (current == null || !current.connected()) {
      return;
    }
    int window = Math.min(MAX_IN_FLIGHT, current.serverReceiveMaximum());
    while (inFlight.size() < window && !waiting.isEmpty()) {
      T message = waiting.pollFirstEntry().getValue();
      inFlight.put(message.seq(), message);
      route.beforePublish().run();
      current.publish(route.topic(), message.payload().getBytes(StandardCharsets.UTF_8), false)
          .whenComplete((result, error) -> thread.execute(() -> completed(message, error)));
    }
  }

  private void completed(T message, Throwable error) {
    inFlight.remove(message.seq());
    if (error != null) {
      LOG.warn("{} not confirmed {} ({}); resent when the link is back", route.kind(), message.subject(),
          error.getMessage());
      waiting.put(message.seq(), message);
      return;
    }
    try {
      route.markSent().accept(message.seq());
    } catch (RuntimeException e) {
      // It went out; at worst it is sent again after a restart, and the cloud dedupes.
      LOG.error("Marking {} sent failed {}", route.kind(), message.subject(), e);
    }
    sendWaiting();
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
