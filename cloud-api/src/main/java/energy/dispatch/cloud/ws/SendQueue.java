package energy.dispatch.cloud.ws;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.slf4j.LoggerFactory;

/**
 * Serializes the messages to one socket: at most one write in progress, the rest waiting in a
 * bounded queue. A client that reads too slowly to keep the queue under its limit is closed with
 * a reason instead of growing the server's memory. Thread-safe.
 */
final class SendQueue {

  private final Session session;
  private final int limit;
  /** Computes snapshots off Jetty's threads: a snapshot may read the database. */
  private static final ExecutorService SNAPSHOTS = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "dispatch-ws-snapshot");
    thread.setDaemon(true);
    return thread;
  });

  private final Deque<Supplier<String>> waiting = new ArrayDeque<>();
  private boolean writing;
  private boolean closed;

  SendQueue(Session session, int limit) {
    this.session = session;
    this.limit = limit;
  }

  /** Queues a text frame; false when the socket was closed (now, for overflow, or before). */
  boolean send(String text) {
    return enqueue(new Fixed(text));
  }

  /**
   * Queues a message computed only at its turn, once every message queued before it was written:
   * a snapshot of state taken then is never older than what the client already received (each
   * status push is queued after its commit). False when the socket was closed.
   */
  boolean sendSnapshot(Supplier<String> snapshot) {
    return enqueue(snapshot);
  }

  private boolean enqueue(Supplier<String> message) {
    boolean overflow = false;
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (waiting.size() >= limit) {
        overflow = true;
        closed = true;
        waiting.clear();
      } else if (writing) {
        waiting.add(message);
        return true;
      } else {
        writing = true;
      }
    }
    if (overflow) {
      session.close(StatusCode.POLICY_VIOLATION, "send queue overflow: the client reads too slowly");
      return false;
    }
    write(message);
    return true;
  }

  private void write(Supplier<String> message) {
    if (message instanceof Fixed fixed) {
      writeText(fixed.text());
      return;
    }
    CompletableFuture.supplyAsync(message, SNAPSHOTS).whenComplete((text, error) -> {
      if (error != null) {
        LoggerFactory.getLogger(SendQueue.class).error("A snapshot for a socket failed; skipping it", error);
        next();
      } else {
        writeText(text);
      }
    });
  }

  private void writeText(String text) {
    session.getRemote().sendString(text, new WriteCallback() {
      @Override
      public void writeSuccess() {
        next();
      }

      @Override
      public void writeFailed(Throwable error) {
        synchronized (SendQueue.this) {
          closed = true;
          waiting.clear();
        }
      }
    });
  }

  private void next() {
    Supplier<String> message;
    synchronized (this) {
      message = waiting.poll();
      if (message == null) {
        writing = false;
        return;
      }
    }
    write(message);
  }

  /** A message whose text is known when queued. */
  private record Fixed(String text) implements Supplier<String> {
    @Override
    public String get() {
      return text;
    }
  }

  synchronized void markClosed() {
    closed = true;
    waiting.clear();
  }
}
