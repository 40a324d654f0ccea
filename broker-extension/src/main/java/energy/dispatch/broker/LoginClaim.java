package energy.dispatch.broker;

import energy.dispatch.schema.ClientIds;
import java.util.Optional;

/**
 * Who a CONNECT claims to be, read from its user name and client id alone, before any secret is
 * checked: {@code cloud} with a client id starting {@code cloud-}; an edge id equal to the client id;
 * {@code service:<name>} with client id {@code service-<name>} or {@code service-<name>-...}, where the name
 * has no {@code -}, so that client id is only ever that service's (a name with one, from a credential row
 * written by hand or before the rule, is refused saying why). An edge id
 * in the cloud's or a service's client-id namespace ({@link ClientIds}) is refused even with a valid
 * secret, so no edge can take over their sessions whatever the credential table holds. Pure.
 */
final class LoginClaim {

  static final String SERVICE_USER_PREFIX = "service:";

  /** Why a login is refused, mapped to a CONNACK reason code by the authenticator. */
  enum Refusal {
    BAD_USER_NAME_OR_PASSWORD,
    CLIENT_IDENTIFIER_NOT_VALID
  }

  /** Either the claimed principal or a refusal with its reason. */
  sealed interface Result permits Claimed, Refused {
    static Result of(MqttPrincipal principal) {
      return new Claimed(principal);
    }

    static Result refused(Refusal refusal, String reason) {
      return new Refused(refusal, reason);
    }

    default Optional<MqttPrincipal> claimed() {
      return this instanceof Claimed claimed ? Optional.of(claimed.principal()) : Optional.empty();
    }
  }

  record Claimed(MqttPrincipal principal) implements Result {}

  record Refused(Refusal refusal, String reason) implements Result {}

  private LoginClaim() {}

  static Result read(String clientId, Optional<String> userName) {
    if (userName.isEmpty() || userName.get().isEmpty()) {
      return Result.refused(Refusal.BAD_USER_NAME_OR_PASSWORD, "a user name and a password are required");
    }
    String user = userName.get();
    if (user.equals(ClientIds.CLOUD_USER)) {
      return cloud(clientId);
    }
    if (user.startsWith(SERVICE_USER_PREFIX)) {
      return service(clientId, user.substring(SERVICE_USER_PREFIX.length()));
    }
    return edge(clientId, user);
  }

  private static Result cloud(String clientId) {
    if (!clientId.startsWith(ClientIds.CLOUD_PREFIX)) {
      return Result.refused(Refusal.CLIENT_IDENTIFIER_NOT_VALID,
          "the cloud's client id must start with '" + ClientIds.CLOUD_PREFIX + "'");
    }
    return Result.of(MqttPrincipal.cloud());
  }

  private static Result service(String clientId, String serviceName) {
    Optional<String> badName = ClientIds.serviceNameRule(serviceName);
    if (badName.isPresent()) {
      return Result.refused(Refusal.BAD_USER_NAME_OR_PASSWORD, badName.get());
    }
    if (!ClientIds.isServiceClientId(clientId, serviceName)) {
      String exact = ClientIds.SERVICE_PREFIX + serviceName;
      return Result.refused(Refusal.CLIENT_IDENTIFIER_NOT_VALID,
          "a service's client id must be '" + exact + "' or start with '" + exact + "-'");
    }
    return Result.of(MqttPrincipal.service(serviceName));
  }

  private static Result edge(String clientId, String edgeId) {
    if (!MqttPrincipal.isValidName(edgeId)) {
      return Result.refused(Refusal.BAD_USER_NAME_OR_PASSWORD, "wrong user name or password");
    }
    if (!clientId.equals(edgeId)) {
      return Result.refused(Refusal.CLIENT_IDENTIFIER_NOT_VALID, "an edge's client id must equal its edge id");
    }
    Optional<String> reserved = ClientIds.reservedEdgeIdRule(edgeId);
    if (reserved.isPresent()) {
      return Result.refused(Refusal.CLIENT_IDENTIFIER_NOT_VALID, reserved.get());
    }
    return Result.of(MqttPrincipal.edge(edgeId));
  }
}
