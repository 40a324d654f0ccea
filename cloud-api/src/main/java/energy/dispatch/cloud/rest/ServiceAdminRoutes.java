package energy.dispatch.cloud.rest;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.audit.AdminAudit;
import energy.dispatch.cloud.edges.ServiceRegistry;
import energy.dispatch.schema.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin routes of service principals (optimizers): register and rotate (the secret is shown
 * once), revoke, list. Administrators only; every change is audited. What a service may do is set
 * through the grant routes, for the principal {@code service:<name>}. Thread-safe.
 */
final class ServiceAdminRoutes {

  private final CloudSettings settings;
  private final ServiceRegistry services;
  private final AdminAudit audit;

  ServiceAdminRoutes(CloudSettings settings, ServiceRegistry services, AdminAudit audit) {
    this.settings = settings;
    this.services = services;
    this.audit = audit;
  }

  void register(Javalin app) {
    app.get("/api/v1/admin/services", this::list);
    app.post("/api/v1/admin/services", this::registerService);
    app.post("/api/v1/admin/services/{name}/rotate", this::rotate);
    app.delete("/api/v1/admin/services/{name}", this::revoke);
  }

  private void list(Context ctx) {
    AdminRoutes.requireAdmin(settings, ctx);
    ctx.json(Map.of("services", services.all().stream().map(ServiceAdminRoutes::view).toList()));
  }

  private static Map<String, Object> view(ServiceRegistry.Service service) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("service_name", service.serviceName());
    view.put("principal", service.principal());
    view.put("credential_version", service.credentialVersion());
    view.put("created_at", service.createdAt().toString());
    view.put("revoked_at", service.revokedAt() == null ? null : service.revokedAt().toString());
    return view;
  }

  private void registerService(Context ctx) {
    String admin = AdminRoutes.requireAdmin(settings, ctx);
    JsonNode name = RestApi.readBody(ctx).path("service_name");
    String serviceName = name.isTextual() ? name.asText() : null;
    String secret;
    try {
      secret = services.register(serviceName);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION, e.getMessage());
    } catch (ServiceRegistry.ServiceExistsException e) {
      throw new ApiException(ErrorCode.SERVICE_EXISTS, e.getMessage());
    }
    audit.record(admin, "service.register", "service:" + serviceName);
    ctx.status(201).json(secretShownOnce(serviceName, secret));
  }

  private void rotate(Context ctx) {
    String admin = AdminRoutes.requireAdmin(settings, ctx);
    String serviceName = ctx.pathParam("name");
    String secret;
    try {
      secret = services.rotate(serviceName);
    } catch (IllegalArgumentException e) {
      throw new ApiException(ErrorCode.SCHEMA_VIOLATION, e.getMessage());
    } catch (ServiceRegistry.UnknownServiceException e) {
      throw new ApiException(ErrorCode.UNKNOWN_SERVICE, e.getMessage());
    }
    audit.record(admin, "service.rotate", "service:" + serviceName);
    ctx.json(secretShownOnce(serviceName, secret));
  }

  private void revoke(Context ctx) {
    String admin = AdminRoutes.requireAdmin(settings, ctx);
    String serviceName = ctx.pathParam("name");
    try {
      services.revoke(serviceName);
    } catch (ServiceRegistry.UnknownServiceException e) {
      throw new ApiException(ErrorCode.UNKNOWN_SERVICE, e.getMessage());
    }
    audit.record(admin, "service.revoke", "service:" + serviceName);
    ctx.status(204);
  }

  private static Map<String, String> secretShownOnce(String serviceName, String secret) {
    return Map.of("service_name", serviceName, "principal", "service:" + serviceName, "secret", secret);
  }
}
