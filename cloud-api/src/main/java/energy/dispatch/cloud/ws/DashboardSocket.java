package energy.dispatch.cloud.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import energy.dispatch.cloud.auth.VerifiedToken;
import energy.dispatch.schema.Json;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dashboard connection: who it authenticated as (until when), its timers, and its serialized
 * send queue. Thread-safe.
 */
final class DashboardSocket {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardSocket.class);

  private final String id;
  private final Session session;
  private final SendQueue queue;
  private volatile VerifiedToken token;
  private ScheduledFuture<?> authDeadline;
  private ScheduledFuture<?> expiryClose;

  DashboardSocket(String id, Session session, int queueLimit) {
    this.id = id;
    this.session = session;
    this.queue = new SendQueue(session, queueLimit);
  }

  String id() {
    return id;
  }

  /** The peer's IP address as the server saw it, or null when unknown (the audit records it). */
  String remoteAddress() {
    return session.getRemoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null
        ? peer.getAddress().getHostAddress() : null;
  }

  /** The principal, or null before authentication. */
  String principal() {
    VerifiedToken current = token;
    return current == null ? null : current.principal();
  }

  VerifiedToken token() {
    return token;
  }

  synchronized void authenticate(VerifiedToken verified, ScheduledFuture<?> newExpiryClose) {
    token = verified;
    if (authDeadline != null) {
      authDeadline.cancel(false);
      authDeadline = null;
    }
    if (expiryClose != null) {
      expiryClose.cancel(false);
    }
    expiryClose = newExpiryClose;
  }

  synchronized void setAuthDeadline(ScheduledFuture<?> deadline) {
    authDeadline = deadline;
  }

  /** Sends a message as JSON; false when the socket is closed. */
  boolean send(Object message) {
    try {
      return queue.send(message instanceof String text ? text : Json.mapper().writeValueAsString(message));
    } catch (JsonProcessingException e) {
      LOG.error("Cannot serialize a message for socket {}", id, e);
      return false;
    }
  }

  /** Sends a message built at its turn in the queue (see {@link SendQueue#sendSnapshot}). */
  boolean sendSnapshot(Supplier<Object> snapshot) {
    return queue.sendSnapshot(() -> {
      try {
        return Json.mapper().writeValueAsString(snapshot.get());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialize a snapshot for socket " + id, e);
      }
    });
  }

  void close(String reason) {
    queue.markClosed();
    session.close(StatusCode.POLICY_VIOLATION, reason);
  }

  synchronized void closed() {
    queue.markClosed();
    if (authDeadline != null) {
      authDeadline.cancel(false);
    }
    if (expiryClose != null) {
      expiryClose.cancel(false);
    }
  }
}
