package energy.dispatch.cloud.ws;

import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.WriteCallback;

/**
 * Serializes the messages to one socket: at most one write in progress, the rest waiting in a
 * bounded queue. A client that reads too slowly to keep the queue under its limit is closed with
 * a reason instead of growing the server's memory. Thread-safe.
 */
final class SendQueue {

  private final Session session;
  private final int limit;
  private final Deque<String> waiting = new ArrayDeque<>();
  private boolean writing;
  private boolean closed;

  SendQueue(Session session, int limit) {
    this.session = session;
    this.limit = limit;
  }

  /** Queues a text frame; false when the socket was closed (now, for overflow, or before). */
  boolean send(String text) {
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
        waiting.add(text);
        return true;
      } else {
        writing = true;
      }
    }
    if (overflow) {
      session.close(StatusCode.POLICY_VIOLATION, "send queue overflow: the client reads too slowly");
      return false;
    }
    write(text);
    return true;
  }

  private void write(String text) {
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
    String text;
    synchronized (this) {
      text = waiting.poll();
      if (text == null) {
        writing = false;
        return;
      }
    }
    write(text);
  }

  synchronized void markClosed() {
    closed = true;
    waiting.clear();
  }
}
