package energy.dispatch.cloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.audit.AdminAudit;
import energy.dispatch.cloud.audit.EdgeEventLog;
import energy.dispatch.cloud.auth.DevTokens;
import energy.dispatch.cloud.auth.JwtVerifier;
import energy.dispatch.cloud.edges.CapabilityStore;
import energy.dispatch.cloud.edges.EdgeRegistry;
import energy.dispatch.cloud.edges.ServiceRegistry;
import energy.dispatch.cloud.grants.Grant;
import energy.dispatch.cloud.grants.GrantStore;
import energy.dispatch.cloud.redis.DeliveryState;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edges with presence, and the admin routes: edge registration and secret rotation (the secret is
 * shown once), grants, capability configs, services ({@link ServiceAdminRoutes}); every admin
 * action is audited. Development tokens in demo mode only. Thread-safe.
 */
public final class AdminRoutes {

  private static final Logger AUDIT = LoggerFactory.getLogger("energy.dispatch.cloud.audit");
  private static final long DEV_TOKEN_DEFAULT_TTL_SECONDS = 3600;
  private static final long DEV_TOKEN_MAX_TTL_SECONDS = 86_400;

  private final CloudSettings settings;
  private final EdgeRegistry edges;
  private final GrantStore grants;
  private final CapabilityStore capabilities;
  private final DeliveryState presence;
  private final EdgeEventLog events;
  private final DevTokens devTokens;
  private final AdminAudit audit;
  private final ServiceAdminRoutes services;

  /** @param devTokens null unless in demo mode */
  public AdminRoutes(CloudSettings settings, EdgeRegistry edges, ServiceRegistry services, GrantStore grants,
      CapabilityStore capabilities, DeliveryState presence, EdgeEventLog events, DevTokens devTokens,
      AdminAudit audit) {
    this.settings = settings;
    this.events = events;
    this.audit = audit;
    this.services = new ServiceAdminRoutes(settings, services, audit);
    this.edges = edges;
    this.grants = grants;
    this.capabilities = capabilities;
    this.presence = presence;
    this.devTokens = devTokens;
  }

  void register(Javalin app) {
    app.get("/api/v1/edges", this::listEdges);
    app.get("/api/v1/edges/{id}/events", this::edgeEvents);
    app.post("/api/v1/admin/edges", this::registerEdge);
    app.post("/api/v1/admin/edges/{id}/rotate", this::rotate);
    app.delete("/api/v1/admin/edges/{id}", this::revokeEdge);
    app.put("/api/v1/admin/edges/{id}/config", this::storeConfig);
    app.get("/api/v1/admin/grants", this::listGrants);
    app.post("/api/v1/admin/grants", this::grant);
    app.delete("/api/v1/admin/grants", this::revoke);
    app.post("/api/v1/dev/token", this::devToken);
    services.register(app);
  }

  private void listEdges(Context ctx) {
    String principal = RestApi.principal(ctx);
    boolean admin = settings.isAdmin(principal);
    Map<String, Boolean> online = presence.presence();
    List<Map<String, Object>> visible = edges.all().stream()
        .filter(edge -> admin || grants.canView(principal, edge.edgeId()))
        .map(edge -> {
          Map<String, Object> view = new LinkedHashMap<>();
          view.put("edge_id", edge.edgeId());
          view.put("site_id", edge.siteId());
          view.put("online", online.getOrDefault(edge.edgeId(), false));
          view.put("revoked_at", edge.revokedAt() == null ? null : edge.revokedAt().toString());
          view.put("config_version", capabilities.current(edge.edgeId()).map(CapabilityStore.StoredConfig::version)
              .orElse(null));
          return view;
        }).toList();
    ctx.json(Map.of("edges", visible));
  }

  /** The edge's most recent events, newest first, to whoever may view the edge. */
  private void edgeEvents(Context ctx) {
    String principal = RestApi.principal(ctx);
    String edgeId = ctx.pathParam("id");
    if (!settings.isAdmin(principal) && !grants.canView(principal, edgeId)) {
      throw new ApiException(ErrorCode.FORBIDDEN, principal + " may not view edge '" + edgeId + "'");
    }
    int limit = RestApi.parseLimit(ctx.queryParam("limit"));
    List<Map<String, Object>> recent = events.recent(edgeId, limit).stream().map(event -> {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("event_id", event.eventId());
      view.put("type", event.type());
      view.put("raised_at", event.raisedAt() == null ? null : event.raisedAt().toString());
      view.put("received_at", event.receivedAt().toString());
      view.put("detail", event.detail());
      return view;
    }).toList();
    ctx.json(Map.of("edge_id", edgeId, "events", recent));
  }

  private String requireAdmin(Context ctx) {
    return requireAdmin(settings, ctx);
  }

  /** The caller's principal when it is an administrator; else {@code forbidden}. */
  static String requireAdmin(CloudSettings settings, Context ctx) {
    String principal = RestApi.principal(ctx);
    if (!settings.isAdmin(principal)) {
      throw new ApiException(ErrorCode.FORBIDDEN, principal + " is not an administrator");
    }
    return principal;
  }

  private void registerEdge(Context ctx) {
    String admin = requireAdmin(ctx);
    JsonNode body = RestApi.readBody(ctx);
    String edgeId = body.path("edge_id").asText(null);
    String siteId = body.path("site_id").asText(null);
    String secret;
    try {
      secret = edges.register(edgeId, siteId);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION, e.getMessage());
    } catch (EdgeRegistry.EdgeExistsException e) {
      throw new ApiException(ErrorCode.EDGE_EXISTS, e.getMessage());
    }
    audit.record(admin, "edge.register", edgeId);
    ctx.status(201).json(Map.of("edge_id", edgeId, "site_id", siteId, "secret", secret));
  }

  private void rotate(Context ctx) {
    String admin = requireAdmin(ctx);
    String edgeId = ctx.pathParam("id");
    try {
      String secret = edges.rotate(edgeId);
      audit.record(admin, "edge.rotate", edgeId);
      ctx.json(Map.of("edge_id", edgeId, "secret", secret));
    } catch (EdgeRegistry.UnknownEdgeException e) {
      throw new ApiException(ErrorCode.UNKNOWN_EDGE, e.getMessage());
    }
  }

  private void revokeEdge(Context ctx) {
    String admin = requireAdmin(ctx);
    String edgeId = ctx.pathParam("id");
    try {
      edges.revoke(edgeId);
    } catch (EdgeRegistry.UnknownEdgeException e) {
      throw new ApiException(ErrorCode.UNKNOWN_EDGE, e.getMessage());
    }
    audit.record(admin, "edge.revoke", edgeId);
    ctx.status(204);
  }

  private void storeConfig(Context ctx) {
    String admin = requireAdmin(ctx);
    String edgeId = ctx.pathParam("id");
    JsonNode body = RestApi.readBody(ctx);
    try {
      int version = capabilities.store(edgeId, body, admin);
      audit.record(admin, "edge.config", edgeId + " version " + version);
      ctx.json(Map.of("edge_id", edgeId, "version", version));
    } catch (CapabilityConfig.InvalidConfigException e) {
      throw new ApiException(ErrorCode.INVALID_CONFIG, e.getMessage());
    } catch (EdgeRegistry.UnknownEdgeException e) {
      throw new ApiException(ErrorCode.UNKNOWN_EDGE, e.getMessage());
    }
  }

  private void grant(Context ctx) {
    String admin = requireAdmin(ctx);
    JsonNode body = RestApi.readBody(ctx);
    Grant grant;
    try {
      grant = new Grant(body.path("principal").asText(null), body.path("edge_pattern").asText(null),
          BodyFields.requireBoolean(body, "can_view"), BodyFields.requireBoolean(body, "can_control"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION, "a grant needs principal, edge_pattern, can_view and "
          + "can_control: " + e.getMessage());
    }
    grants.grant(grant);
    audit.record(admin, "grant.set", grant.principal() + " on " + grant.edgePattern() + (grant.canControl()
        ? ": view and control" : grant.allowsView() ? ": view" : ": nothing"));
    ctx.status(201).json(grant);
  }

  private void listGrants(Context ctx) {
    requireAdmin(ctx);
    ctx.json(Map.of("grants", grants.list(Optional.ofNullable(ctx.queryParam("principal")))));
  }

  private void revoke(Context ctx) {
    String admin = requireAdmin(ctx);
    String grantee = ctx.queryParam("principal");
    String pattern = ctx.queryParam("edge_pattern");
    if (grantee == null || pattern == null) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION, "revoke needs the query parameters principal and edge_pattern");
    }
    if (!grants.revoke(grantee, pattern)) {
      throw new ApiException(ErrorCode.UNKNOWN_GRANT, "no grant of " + grantee + " on " + pattern);
    }
    audit.record(admin, "grant.revoke", grantee + " on " + pattern);
    ctx.status(204);
  }

  private void devToken(Context ctx) {
    if (devTokens == null) {
      throw new ApiException(404, ErrorDetail.of(ErrorCode.FORBIDDEN, "development tokens exist only in demo mode"));
    }
    JsonNode body = RestApi.readBody(ctx);
    String userId = BodyFields.requireText(body, "user_id");
    long ttlSeconds = BodyFields.optionalPositiveInteger(body, "ttl_sec", DEV_TOKEN_DEFAULT_TTL_SECONDS,
        DEV_TOKEN_MAX_TTL_SECONDS);
    if (!JwtVerifier.isUsableUserId(userId)) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION, "user_id must be " + JwtVerifier.USER_ID_RULE);
    }
    AUDIT.info("Development token minted userId={}", userId);
    ctx.json(Map.of("access", devTokens.mint(userId, Duration.ofSeconds(ttlSeconds)), "token_type", "access"));
  }
}
