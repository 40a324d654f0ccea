package energy.dispatch.edge.mqtt;

import energy.dispatch.edge.FaultPoints;
import energy.dispatch.edge.command.AckSender;
import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.journal.PendingAck;
import energy.dispatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends journaled acks in journal order, a window at a time no larger than the broker's receive
 * maximum, and marks each sent in the journal on its PUBACK. What is unsent when the link drops
 * or the agent stops is sent when the link is back. Thread-safe: all state lives on one thread.
 */
public final class AckOutbox implements AckSender, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AckOutbox.class);
  /** Our own cap on acks in flight, below any sensible broker receive maximum. */
  static final int MAX_IN_FLIGHT = 16;

  private final String edgeId;
  private final Journal journal;
  private final ExecutorService thread;
  private final TreeMap<Long, PendingAck> waiting = new TreeMap<>();
  private final Map<Long, PendingAck> inFlight = new TreeMap<>();
  private volatile MqttLink link;

  public AckOutbox(String edgeId, Journal journal) {
    this.edgeId = edgeId;
    this.journal = journal;
    this.thread = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = new Thread(runnable, "edge-acks-" + edgeId);
      t.setDaemon(true);
      return t;
    });
    thread.execute(() -> journal.unsentAcks().forEach(ack -> waiting.put(ack.seq(), ack)));
  }

  /** Attaches the link; acks wait until then. */
  public void attach(MqttLink link) {
    this.link = link;
    pump();
  }

  @Override
  public void send(PendingAck ack) {
    thread.execute(() -> {
      waiting.put(ack.seq(), ack);
      sendWaiting();
    });
  }

  /** Sends what waits, e.g. when the link is back. */
  public void pump() {
    thread.execute(this::sendWaiting);
  }

  /** Acks journaled but not yet confirmed by the broker. */
  public int backlog() {
    try {
      return thread.submit(() -> waiting.size() + inFlight.size()).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return -1;
    }
  }

  private void sendWaiting() {
    MqttLink current = link;
    if (current == null || !current.connected()) {
      return;
    }
    int window = Math.min(MAX_IN_FLIGHT, current.serverReceiveMaximum());
    while (inFlight.size() < window && !waiting.isEmpty()) {
      PendingAck ack = waiting.pollFirstEntry().getValue();
      inFlight.put(ack.seq(), ack);
      FaultPoints.reached(FaultPoints.BEFORE_ACK);
      current.publish(Topics.acks(edgeId), ack.payload().getBytes(StandardCharsets.UTF_8), false)
          .whenComplete((result, error) -> thread.execute(() -> completed(ack, error)));
    }
  }

  private void completed(PendingAck ack, Throwable error) {
    inFlight.remove(ack.seq());
    if (error != null) {
      LOG.warn("Ack not confirmed commandId={} ({}); resent when the link is back", ack.commandId(),
          error.getMessage());
      waiting.put(ack.seq(), ack);
      return;
    }
    try {
      journal.markAckSent(ack.seq());
    } catch (RuntimeException e) {
      // The ack went out; at worst it is sent again after a restart, and the cloud dedupes acks.
      LOG.error("Marking ack sent failed commandId={}", ack.commandId(), e);
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
