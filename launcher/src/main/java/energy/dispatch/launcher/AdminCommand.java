package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.ClientIds;
import energy.dispatch.schema.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch admin}: edge and service registration, secret rotation, service revocation,
 * grants and capability configs, through the cloud's admin REST API (the token's user must be an
 * admin).
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Registers edges and services, rotates secrets, grants access and uploads capability configs.",
    subcommands = {
        AdminCommand.RegisterEdge.class,
        AdminCommand.RotateSecret.class,
        AdminCommand.RevokeEdge.class,
        AdminCommand.Grant.class,
        AdminCommand.Revoke.class,
        AdminCommand.ListGrants.class,
        AdminCommand.UploadConfig.class,
        AdminCommand.RegisterService.class,
        AdminCommand.RotateServiceSecret.class,
        AdminCommand.RevokeService.class,
        AdminCommand.ListServices.class,
    })
final class AdminCommand {

  /** Where the API is and who calls it. */
  static final class Connection {
    @Option(names = "--api", defaultValue = "${env:DISPATCH_API_URL:-http://127.0.0.1:8080}",
        description = "the cloud's HTTP address (default ${DEFAULT-VALUE}; env DISPATCH_API_URL)")
    URI api;

    @Option(names = "--token-file", description = "file holding an admin's access token (default: env DISPATCH_TOKEN)")
    Path tokenFile;

    @Mixin
    ServerTrust trust;

    ApiClient client() throws Exception {
      return new ApiClient(trust.clientFor(api), api, CliInput.accessToken(tokenFile));
    }
  }

  @Command(name = "register-edge", mixinStandardHelpOptions = true,
      description = "Registers an edge and prints its MQTT secret once; store it where only the edge can read it.")
  static final class RegisterEdge implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--edge-id", required = true, description = "the edge, e.g. site1_edge_prod") String edgeId;
    @Option(names = "--site-id", required = true, description = "the site the edge runs, e.g. site1") String siteId;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = Json.mapper().createObjectNode().put("edge_id", edgeId).put("site_id", siteId);
      printSecret(spec, connection.client().send("POST", "/api/v1/admin/edges", body), "edge_id");
      return 0;
    }
  }

  @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
      description = "Gives an edge a new MQTT secret (printed once); the old one stops working and its session is closed.")
  static final class RotateSecret implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--edge-id", required = true, description = "the edge, e.g. site1_edge_prod") String edgeId;

    @Override
    public Integer call() throws Exception {
      printSecret(spec, connection.client().send("POST", "/api/v1/admin/edges/" + encode(edgeId) + "/rotate", null),
          "edge_id");
      return 0;
    }
  }

  @Command(name = "revoke-edge", mixinStandardHelpOptions = true,
      description = "Revokes an edge's MQTT credential: the broker refuses it and closes its session; "
          + "'admin rotate-secret' reinstates it with a new secret.")
  static final class RevokeEdge implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--edge-id", required = true, description = "the edge, e.g. site1_edge_prod") String edgeId;

    @Override
    public Integer call() throws Exception {
      return deleteAndSay(spec, connection, "/api/v1/admin/edges/" + encode(edgeId), "revoked edge " + edgeId);
    }
  }

  @Command(name = "grant", mixinStandardHelpOptions = true,
      description = {"Grants a principal view or control of the edges matching a pattern ('*' matches any run).",
          "Exactly one of --view and --control is required: the grant replaces the principal's grant on that "
              + "pattern, so nothing is assumed. To withdraw access use 'admin revoke'."})
  static final class Grant implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--principal", required = true, description = "e.g. user:456 or service:optimizer") String principal;
    @Option(names = "--edges", required = true, description = "edge id or pattern, e.g. site1_*") String edgePattern;
    @ArgGroup(exclusive = true, multiplicity = "1") Access access;

    /** The one access level an operator must name. */
    static final class Access {
      @Option(names = "--view", required = true, description = "may see status, not command") boolean view;
      @Option(names = "--control", required = true, description = "may see status and send commands") boolean control;
    }

    @Override
    public Integer call() throws Exception {
      boolean canControl = access.control;
      ObjectNode body = Json.mapper().createObjectNode().put("principal", principal).put("edge_pattern", edgePattern)
          .put("can_view", true).put("can_control", canControl);
      connection.client().send("POST", "/api/v1/admin/grants", body);
      spec.commandLine().getOut().println("granted " + principal + " on " + edgePattern
          + (canControl ? ": view and control" : ": view only, no control"));
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a principal's grant on a pattern.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--principal", required = true, description = "whose grant, e.g. user:456 or service:optimizer")
    String principal;
    @Option(names = "--edges", required = true, description = "the edge pattern exactly as it was granted, e.g. site1_*")
    String edgePattern;

    @Override
    public Integer call() throws Exception {
      return deleteAndSay(spec, connection, "/api/v1/admin/grants?principal=" + encode(principal)
          + "&edge_pattern=" + encode(edgePattern), "revoked " + principal + " on " + edgePattern);
    }
  }

  @Command(name = "list-grants", mixinStandardHelpOptions = true,
      description = "Lists the grants: principal, edge pattern, and view or control.")
  static final class ListGrants implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--principal", description = "only this principal's grants, e.g. user:456") String principal;

    @Override
    public Integer call() throws Exception {
      String query = principal == null ? "" : "?principal=" + encode(principal);
      JsonNode grants = connection.client().send("GET", "/api/v1/admin/grants" + query, null).path("grants");
      if (grants.isEmpty()) {
        spec.commandLine().getOut().println("no grants" + (principal == null ? "" : " of " + principal));
      }
      for (JsonNode grant : grants) {
        boolean control = grant.path("can_control").asBoolean();
        boolean view = control || grant.path("can_view").asBoolean();
        spec.commandLine().getOut().println(grant.path("principal").asText() + " on "
            + grant.path("edge_pattern").asText() + ": " + (control ? "view and control" : view ? "view" : "nothing"));
      }
      return 0;
    }
  }

  @Command(name = "upload-config", mixinStandardHelpOptions = true,
      description = "Uploads an edge's capability config; it is validated and stored as the next version.")
  static final class UploadConfig implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--edge-id", required = true, description = "the edge, e.g. site1_edge_prod") String edgeId;
    @Option(names = "--file", required = true, description = "the capability config as a JSON file (see config/sites)") Path file;

    @Override
    public Integer call() throws Exception {
      JsonNode document = CliInput.parseJson(file.toString(), CliInput.readFile(file, "config file"));
      JsonNode answer = connection.client().send("PUT", "/api/v1/admin/edges/" + encode(edgeId) + "/config", document);
      spec.commandLine().getOut().println("stored " + edgeId + " config version " + answer.path("version").asText("?"));
      return 0;
    }
  }

  @Command(name = "register-service", mixinStandardHelpOptions = true,
      description = "Registers an optimizer service (MQTT user service:<name>) and prints its secret once; "
          + "grant it edges with 'admin grant --principal service:<name>'.")
  static final class RegisterService implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--name", required = true, description = ClientIds.SERVICE_NAME_RULE) String serviceName;

    @Override
    public Integer call() throws Exception {
      ObjectNode body = Json.mapper().createObjectNode().put("service_name", serviceName);
      printSecret(spec, connection.client().send("POST", "/api/v1/admin/services", body), "principal");
      return 0;
    }
  }

  @Command(name = "rotate-service-secret", mixinStandardHelpOptions = true,
      description = "Gives a service a new MQTT secret (printed once, reinstating a revoked service); the old one "
          + "stops working and its sessions are closed.")
  static final class RotateServiceSecret implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--name", required = true, description = "the service's name, without service:") String serviceName;

    @Override
    public Integer call() throws Exception {
      printSecret(spec, connection.client().send("POST", "/api/v1/admin/services/" + encode(serviceName) + "/rotate",
          null), "principal");
      return 0;
    }
  }

  @Command(name = "revoke-service", mixinStandardHelpOptions = true,
      description = "Revokes a service's MQTT credential: the broker refuses it and closes its sessions.")
  static final class RevokeService implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Option(names = "--name", required = true, description = "the service's name, without service:") String serviceName;

    @Override
    public Integer call() throws Exception {
      return deleteAndSay(spec, connection, "/api/v1/admin/services/" + encode(serviceName),
          "revoked service:" + serviceName);
    }
  }

  @Command(name = "list-services", mixinStandardHelpOptions = true,
      description = "Lists the registered services: principal, credential version, and when revoked.")
  static final class ListServices implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;

    @Override
    public Integer call() throws Exception {
      JsonNode services = connection.client().send("GET", "/api/v1/admin/services", null).path("services");
      if (services.isEmpty()) {
        spec.commandLine().getOut().println("no services registered (add one with 'admin register-service')");
      }
      for (JsonNode service : services) {
        String revokedAt = service.path("revoked_at").asText("");
        spec.commandLine().getOut().println(service.path("principal").asText() + " credential version "
            + service.path("credential_version").asInt() + (revokedAt.isEmpty() ? "" : " revoked at " + revokedAt));
      }
      return 0;
    }
  }

  /** Deletes what {@code path} names and, once the API has answered, says {@code done}. */
  private static int deleteAndSay(CommandSpec spec, Connection connection, String path, String done) throws Exception {
    connection.client().send("DELETE", path, null);
    spec.commandLine().getOut().println(done);
    return 0;
  }

  /** Prints the secret an answer shows once, after the {@code subject} field of the answer. */
  private static void printSecret(CommandSpec spec, JsonNode answer, String subject) {
    spec.commandLine().getOut().println(answer.path(subject).asText() + " secret (shown once): "
        + answer.path("secret").asText());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
