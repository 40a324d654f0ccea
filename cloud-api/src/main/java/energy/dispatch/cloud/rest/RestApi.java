package energy.dispatch.cloud.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.audit.TokenRefusalAudit;
import energy.dispatch.cloud.audit.TokenRefusalAudit.EntryPoint;
import energy.dispatch.cloud.auth.BearerToken;
import energy.dispatch.cloud.auth.JwtVerifier;
import energy.dispatch.cloud.auth.TokenRefusedException;
import energy.dispatch.cloud.command.CommandRecord;
import energy.dispatch.cloud.command.CommandService;
import energy.dispatch.cloud.command.RefusalException;
import energy.dispatch.cloud.command.Submission;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API for scripts and the CLI under {@code /api/v1}, authenticated by a Bearer access
 * token, with errors as {@code {"error":{code,message}}} and the HTTP status of their code; every
 * refused token is audited. Admin routes are for the users named in the settings. Thread-safe.
 */
public final class RestApi {

  static final String PRINCIPAL = "principal";
  private static final String BODY = "dispatch.body";
  private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);

  private final CloudSettings settings;
  private final JwtVerifier verifier;
  private final TokenRefusalAudit tokenRefusals;
  private final CommandService commands;
  private final AdminRoutes admin;
  private final Supplier<Map<String, Boolean>> health;

  public RestApi(CloudSettings settings, JwtVerifier verifier, TokenRefusalAudit tokenRefusals, CommandService commands,
      AdminRoutes admin, Supplier<Map<String, Boolean>> health) {
    this.settings = settings;
    this.verifier = verifier;
    this.tokenRefusals = tokenRefusals;
    this.commands = commands;
    this.admin = admin;
    this.health = health;
  }

  public void register(Javalin app) {
    app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.error()));
    app.exception(RefusalException.class, (e, ctx) -> error(ctx, HttpStatuses.of(e.error().code()), e.error()));
    app.exception(TokenRefusedException.class, (e, ctx) -> error(ctx, 401, e.toErrorDetail()));
    app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), describe(e, ctx)));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("Request failed method={} path={}", ctx.method(), ctx.path(), e);
      error(ctx, 500, ErrorDetail.of(ErrorCode.INTERNAL, "the server failed; the error was logged"));
    });
    app.get("/health", this::health);
    app.before("/api/v1/*", this::authenticate);
    app.before("/api/v1/*", RestApi::requireStorableParameters);
    app.before("/api/v1/*", this::readBodyCapped);
    app.post("/api/v1/commands", this::submit);
    app.get("/api/v1/commands", this::search);
    app.get("/api/v1/commands/{id}", this::get);
    app.post("/api/v1/commands/{id}/cancel", this::cancel);
    admin.register(app);
  }

  private void authenticate(Context ctx) {
    if (ctx.path().startsWith("/api/v1/dev/")) {
      return;
    }
    try {
      ctx.attribute(PRINCIPAL, verifier.verify(BearerToken.from(ctx.header("Authorization"))).principal());
    } catch (TokenRefusedException e) {
      // the socket's peer, not a forwarded-for header: that one the client writes
      tokenRefusals.record(TokenRefusalAudit.Refusal.of(EntryPoint.REST, e, ctx.req().getRemoteAddr(), null));
      throw e;
    }
  }

  /**
   * A query parameter with a NUL or another control character names nothing the record holds
   * (PostgreSQL cannot even compare with a NUL): refused naming it, not failed as 500. The server
   * refuses such a path itself.
   */
  private static void requireStorableParameters(Context ctx) {
    ctx.queryParamMap().forEach((name, values) -> {
      if (hasControlCharacter(name) || values.stream().anyMatch(RestApi::hasControlCharacter)) {
        throw new ApiException(ErrorCode.SCHEMA_VIOLATION, "the query parameter '" + printable(name)
            + "' contains a control character; remove it");
      }
    });
  }

  private static boolean hasControlCharacter(String text) {
    return text.chars().anyMatch(Character::isISOControl);
  }

  private static String printable(String text) {
    return text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }

  /**
   * Reads the body of every request that may carry one, at most {@code DISPATCH_MAX_PAYLOAD_BYTES}
   * of it as it streams: a chunked body has no length to check up front, and reading it whole
   * before refusing it would let one request fill the memory.
   */
  private void readBodyCapped(Context ctx) throws IOException {
    String method = ctx.method().name();
    if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH") && !method.equals("DELETE")) {
      return;
    }
    int max = settings.maxPayloadBytes();
    if (ctx.req().getContentLengthLong() > max) {
      throw tooLarge(ctx, max);
    }
    byte[] bytes = ctx.req().getInputStream().readNBytes(max + 1);
    if (bytes.length > max) {
      throw tooLarge(ctx, max);
    }
    ctx.attribute(BODY, new String(bytes, StandardCharsets.UTF_8));
  }

  /**
   * Answers 413 at once and closes the connection: Jetty would otherwise read (and discard) the
   * rest of a chunked body to keep the connection, however large. A client still sending may see
   * the connection reset instead of the answer.
   */
  private static ApiException tooLarge(Context ctx, int max) throws IOException {
    ErrorDetail error = ErrorDetail.of(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + max + " bytes");
    ctx.res().setStatus(413);
    ctx.res().setHeader("Connection", "close");
    ctx.res().setContentType("application/json");
    byte[] body = Json.mapper().writeValueAsBytes(Map.of("error", error));
    ctx.res().setContentLength(body.length);
    ctx.res().getOutputStream().write(body);
    ctx.res().flushBuffer();
    org.eclipse.jetty.server.Request.getBaseRequest(ctx.req()).getHttpChannel().getEndPoint().close();
    return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, error.message());
  }

  /** The body read by {@link #readBodyCapped}; empty when there was none. */
  static String body(Context ctx) {
    String body = ctx.attribute(BODY);
    return body == null ? "" : body;
  }

  static String principal(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  private void health(Context ctx) {
    Map<String, Boolean> checks = health.get();
    boolean ok = checks.values().stream().allMatch(Boolean::booleanValue);
    ObjectNode body = Json.mapper().createObjectNode().put("status", ok ? "ok" : "degraded")
        .put("node_id", settings.nodeId());
    checks.forEach(body::put);
    ctx.status(ok ? 200 : 503).json(body);
  }

  private void submit(Context ctx) {
    String principal = principal(ctx);
    String body = body(ctx);
    ctx.future(() -> commands.submit(principal, body).thenAccept(submission -> {
      if (submission instanceof Submission.Refused refused) {
        if (refused.retryAfterSec() != null) {
          ctx.header("Retry-After", Long.toString(refused.retryAfterSec()));
        }
        error(ctx, HttpStatuses.of(refused.error().code()), refused.error());
      } else if (submission instanceof Submission.Accepted accepted) {
        ctx.status(accepted.resubmission() ? 200 : 202).json(CommandView.of(accepted.record(), null));
      }
    }));
  }

  private void get(Context ctx) {
    String id = ctx.pathParam("id");
    ctx.json(commands.details(principal(ctx), id)
        .map(details -> CommandView.of(details.record(), details.history()))
        .orElseThrow(() -> new ApiException(ErrorCode.UNKNOWN_COMMAND, "no command '" + id + "' that you may see")));
  }

  private void cancel(Context ctx) {
    String principal = principal(ctx);
    String id = ctx.pathParam("id");
    ctx.future(() -> commands.cancel(principal, id)
        .thenAccept(record -> ctx.json(CommandView.of(record, null)))
        .exceptionally(error -> {
          Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
          if (cause instanceof RefusalException refusal) {
            error(ctx, HttpStatuses.of(refusal.error().code()), refusal.error());
          } else {
            LOG.error("Cancel failed commandId={}", id, cause);
            error(ctx, 503, ErrorDetail.of(ErrorCode.STORE_UNAVAILABLE, "the cancel could not be recorded; retry"));
          }
          return null;
        }));
  }

  private void search(Context ctx) {
    CommandStatus status = null;
    String statusParam = ctx.queryParam("status");
    if (statusParam != null) {
      try {
        status = CommandStatus.fromWire(statusParam);
      } catch (IllegalArgumentException e) {
        throw new ApiException(ErrorCode.SCHEMA_VIOLATION, "status '" + statusParam + "' is not a command status");
      }
    }
    int limit = parseLimit(ctx.queryParam("limit"));
    List<CommandRecord> found = commands.search(principal(ctx), ctx.queryParam("edge_id"), status, limit);
    ctx.json(Map.of("commands", found.stream().map(record -> CommandView.of(record, null)).toList()));
  }

  /** The {@code limit} query parameter: 1 to 500, 100 when absent. */
  static int parseLimit(String text) {
    if (text == null) {
      return 100;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= 500) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new ApiException(ErrorCode.SCHEMA_VIOLATION, "limit must be a whole number from 1 to 500");
  }

  static JsonNode readBody(Context ctx) {
    try {
      JsonNode json = Json.mapper().readTree(body(ctx));
      if (json == null || !json.isObject()) {
        throw new ApiException(ErrorCode.SCHEMA_VIOLATION, "the body must be a JSON object");
      }
      return json;
    } catch (JsonProcessingException e) {
      throw new ApiException(ErrorCode.MALFORMED_JSON, "the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** What Javalin itself refused: a route that does not exist, a body too large, or a bad request. */
  private static ErrorDetail describe(HttpResponseException refusal, Context ctx) {
    return switch (refusal.getStatus()) {
      case 404 -> ErrorDetail.of(ErrorCode.NOT_FOUND, "there is no " + ctx.method() + " " + ctx.path()
          + "; the REST API is under /api/v1 and the WebSocket at /ws takes upgrade requests only");
      case 413 -> ErrorDetail.of(ErrorCode.PAYLOAD_TOO_LARGE, refusal.getMessage());
      default -> ErrorDetail.of(ErrorCode.SCHEMA_VIOLATION, refusal.getMessage());
    };
  }

  static void error(Context ctx, int status, ErrorDetail error) {
    ctx.status(status).json(Map.of("error", error));
  }
}
