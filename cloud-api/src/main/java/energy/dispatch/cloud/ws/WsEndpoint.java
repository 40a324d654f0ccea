package energy.dispatch.cloud.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.audit.TokenRefusalAudit;
import energy.dispatch.cloud.audit.TokenRefusalAudit.EntryPoint;
import energy.dispatch.cloud.auth.BearerToken;
import energy.dispatch.cloud.auth.JwtVerifier;
import energy.dispatch.cloud.auth.TokenRefusedException;
import energy.dispatch.cloud.auth.TokenRefusedException.Reason;
import energy.dispatch.cloud.auth.VerifiedToken;
import energy.dispatch.cloud.command.CommandParser;
import energy.dispatch.cloud.command.CommandService;
import energy.dispatch.cloud.command.RefusalException;
import energy.dispatch.cloud.command.Submission;
import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsErrorContext;
import io.javalin.websocket.WsMessageContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard WebSocket at {@code /ws}. Authentication by an {@code Authorization: Bearer}
 * header or a first {@code {"type":"auth","token":..}} message within {@link #AUTH_WINDOW};
 * the socket closes when its token expires unless renewed in-band for the same user. A bare
 * command object submits it; {@code cancel} and {@code open_commands} act on commands. Every bad
 * input is answered on the socket, which stays open. Every refused token is audited; tokens are
 * never logged. Thread-safe.
 */
public final class WsEndpoint implements AutoCloseable {

  public static final Duration AUTH_WINDOW = Duration.ofSeconds(5);
  public static final int SEND_QUEUE_LIMIT = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(WsEndpoint.class);
  private static final Logger AUTH_LOG = LoggerFactory.getLogger("energy.dispatch.cloud.audit.auth");

  private final CloudSettings settings;
  private final JwtVerifier verifier;
  private final TokenRefusalAudit tokenRefusals;
  private final CommandService commands;
  private final SocketHub hub;
  private final Clock clock;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "dispatch-ws-timers");
    thread.setDaemon(true);
    return thread;
  });

  public WsEndpoint(CloudSettings settings, JwtVerifier verifier, TokenRefusalAudit tokenRefusals,
      CommandService commands, SocketHub hub, Clock clock) {
    this.settings = settings;
    this.verifier = verifier;
    this.tokenRefusals = tokenRefusals;
    this.commands = commands;
    this.hub = hub;
    this.clock = clock;
  }

  /** Registers the handlers on a Javalin WebSocket route. */
  public void configure(WsConfig ws) {
    ws.onConnect(this::onConnect);
    ws.onMessage(this::onMessage);
    ws.onBinaryMessage(this::onBinaryMessage);
    ws.onClose(this::onClose);
    ws.onError(this::onError);
  }

  private void onConnect(WsConnectContext ctx) {
    ctx.enableAutomaticPings(15, TimeUnit.SECONDS);
    DashboardSocket socket = new DashboardSocket(ctx.sessionId(), ctx.session, SEND_QUEUE_LIMIT);
    hub.add(socket);
    socket.setAuthDeadline(timers.schedule(() -> closeUnauthenticated(socket), AUTH_WINDOW.toMillis(),
        TimeUnit.MILLISECONDS));
    String header = ctx.header("Authorization");
    if (header != null) {
      try {
        authenticate(socket, BearerToken.from(header));
      } catch (TokenRefusedException e) {
        refuseToken(socket, EntryPoint.WS_HEADER, e);
      }
    }
  }

  private void closeUnauthenticated(DashboardSocket socket) {
    if (socket.principal() == null) {
      LOG.info("Closing a socket that did not authenticate within {} s socketId={}", AUTH_WINDOW.toSeconds(),
          socket.id());
      socket.close("no valid access token within " + AUTH_WINDOW.toSeconds() + " s");
    }
  }

  private void onMessage(WsMessageContext ctx) {
    DashboardSocket socket = hub.get(ctx.sessionId());
    if (socket == null) {
      return;
    }
    try {
      handle(socket, ctx.message());
    } catch (RuntimeException e) {
      LOG.error("Handling a socket message failed socketId={}", socket.id(), e);
      socket.send(error(ErrorDetail.of(ErrorCode.INTERNAL, "the server failed to handle the message; it was logged")));
    }
  }

  /** The protocol is JSON in text frames; a binary frame is answered, not silently dropped. */
  private void onBinaryMessage(WsBinaryMessageContext ctx) {
    DashboardSocket socket = hub.get(ctx.sessionId());
    if (socket != null) {
      refuse(socket, socket.principal(), null, ErrorDetail.of(ErrorCode.MALFORMED_JSON,
          "a binary frame of " + ctx.length() + " bytes was received; send each message as a text frame of JSON"));
    }
  }

  private void handle(DashboardSocket socket, String text) {
    String principal = authenticatedPrincipal(socket);
    if (text.getBytes(StandardCharsets.UTF_8).length > settings.maxPayloadBytes()) {
      refuse(socket, principal, null, ErrorDetail.of(ErrorCode.PAYLOAD_TOO_LARGE, "the message is larger than "
          + settings.maxPayloadBytes() + " bytes"));
      return;
    }
    JsonNode json;
    try {
      json = CommandParser.readJson(text);
    } catch (RefusalException e) {
      refuse(socket, principal, null, e.error());
      return;
    }
    String type = json.isObject() && json.path("type").isTextual() ? json.get("type").asText() : null;
    if ("auth".equals(type)) {
      renewOrAuthenticate(socket, json.path("token").asText(null));
    } else if (principal != null) {
      route(socket, principal, type, json, text);
    } else {
      ErrorDetail error = ErrorDetail.of(ErrorCode.UNAUTHENTICATED,
          "authenticate first: send {\"type\":\"auth\",\"token\":\"...\"} within " + AUTH_WINDOW.toSeconds() + " s");
      if (type == null) {
        refuse(socket, null, textAt(json, "command_id"), error);
      } else {
        socket.send(error(error));
      }
    }
  }

  /** A message that never became a submission: audited, then answered as a refused command. */
  private void refuse(DashboardSocket socket, String principal, String commandId, ErrorDetail error) {
    commands.refuseUnread(principal, commandId, error).thenAccept(refusal -> socket.send(refusal.answer()));
  }

  private void route(DashboardSocket socket, String principal, String type, JsonNode json, String text) {
    if (type == null) {
      commands.submit(principal, text).thenAccept(submission -> answer(socket, submission));
    } else if (type.equals("cancel")) {
      cancel(socket, principal, textAt(json, "command_id"));
    } else if (type.equals("open_commands")) {
      // read at its turn in the socket's queue, so it is never older than a push sent before it
      socket.sendSnapshot(() -> {
        ObjectNode reply = Json.mapper().createObjectNode().put("type", "open_commands");
        reply.set("commands", Json.mapper().valueToTree(commands.openCommands(principal)));
        return reply;
      });
    } else {
      socket.send(error(ErrorDetail.of(ErrorCode.UNKNOWN_MESSAGE_TYPE, "unknown message type '" + type
          + "'; send a command object, or type auth, cancel or open_commands")));
    }
  }

  /** A new command is answered by the status push that follows its commit; others here, at once. */
  private static void answer(DashboardSocket socket, Submission submission) {
    if (submission instanceof Submission.Accepted accepted && !accepted.resubmission()) {
      return;
    }
    socket.send(submission.answer());
  }

  private void cancel(DashboardSocket socket, String principal, String commandId) {
    if (commandId == null) {
      socket.send(error(ErrorDetail.of(ErrorCode.SCHEMA_VIOLATION, "cancel needs a command_id")));
      return;
    }
    try {
      commands.cancel(principal, commandId).exceptionally(error -> {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        socket.send(cancelRefused(principal, commandId, cause));
        return null;
      });
    } catch (RefusalException e) {
      socket.send(cancelRefused(principal, commandId, e));
    }
  }

  /** About a command the user may see: its current state with the reason; else a plain error. */
  private Object cancelRefused(String principal, String commandId, Throwable cause) {
    ErrorDetail error = cause instanceof RefusalException refusal ? refusal.error()
        : ErrorDetail.of(ErrorCode.STORE_UNAVAILABLE, "the cancel could not be recorded; retry");
    return commands.details(principal, commandId).<Object>map(details -> {
      CommandStatusEvent current = details.record().toStatusEvent();
      return new CommandStatusEvent(CommandStatusEvent.TYPE, current.commandId(), current.edgeId(), current.status(),
          clock.instant(), error, null, null, current.expiresAt(), null);
    }).orElseGet(() -> error(error));
  }

  private String authenticatedPrincipal(DashboardSocket socket) {
    VerifiedToken token = socket.token();
    if (token == null || !token.expiresAt().isAfter(clock.instant())) {
      return null;
    }
    return token.principal();
  }

  private void renewOrAuthenticate(DashboardSocket socket, String token) {
    EntryPoint entryPoint = socket.token() == null ? EntryPoint.WS_AUTH_MESSAGE : EntryPoint.WS_RENEWAL;
    try {
      authenticate(socket, token);
    } catch (TokenRefusedException e) {
      refuseToken(socket, entryPoint, e);
    }
  }

  private void authenticate(DashboardSocket socket, String token) {
    VerifiedToken verified = verifier.verify(token);
    VerifiedToken current = socket.token();
    if (current != null && !current.principal().equals(verified.principal())) {
      AUTH_LOG.warn("Refused an in-band renewal for another user socketId={} principal={} offered={}", socket.id(),
          current.principal(), verified.principal());
      throw new TokenRefusedException(Reason.OTHER_USER, "a renewal must be for the same user ("
          + current.principal() + "); open a new socket to switch users").withSignedUserId(verified.userId());
    }
    long untilExpiry = Math.max(0, verified.expiresAt().toEpochMilli() - clock.millis());
    socket.authenticate(verified, timers.schedule(() -> closeExpired(socket, verified), untilExpiry,
        TimeUnit.MILLISECONDS));
    AUTH_LOG.info("Socket authenticated socketId={} principal={} expiresAt={} renewal={}", socket.id(),
        verified.principal(), verified.expiresAt(), current != null);
    socket.send(Json.mapper().createObjectNode().put("type", "auth_ok").put("principal", verified.principal())
        .put("expires_at", verified.expiresAt().toString()));
  }

  private void closeExpired(DashboardSocket socket, VerifiedToken expired) {
    if (socket.token() == expired) {
      AUTH_LOG.info("Closing a socket whose token expired socketId={} principal={}", socket.id(), expired.principal());
      socket.close("the access token expired; renew it in-band before it expires");
    }
  }

  /** Audits the refusal, with the principal the socket already proved if any, and answers it on the socket. */
  private void refuseToken(DashboardSocket socket, EntryPoint entryPoint, TokenRefusedException e) {
    AUTH_LOG.debug("Token refused socketId={} entryPoint={} reason={}", socket.id(), entryPoint, e.reason());
    tokenRefusals.record(TokenRefusalAudit.Refusal.of(entryPoint, e, socket.remoteAddress(), socket.principal()));
    socket.send(error(e.toErrorDetail()));
  }

  private static ObjectNode error(ErrorDetail detail) {
    ObjectNode reply = Json.mapper().createObjectNode().put("type", "error");
    reply.set("error", Json.mapper().valueToTree(detail));
    return reply;
  }

  private static String textAt(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node != null && node.isTextual() && node.asText().length() <= 128 ? node.asText() : null;
  }

  private void onClose(WsCloseContext ctx) {
    hub.remove(ctx.sessionId());
  }

  private void onError(WsErrorContext ctx) {
    LOG.debug("Socket error socketId={}", ctx.sessionId(), ctx.error());
  }

  @Override
  public void close() {
    hub.closeAll("the server is shutting down");
    timers.shutdownNow();
  }
}
