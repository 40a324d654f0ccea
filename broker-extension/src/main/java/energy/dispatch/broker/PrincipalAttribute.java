package energy.dispatch.broker;

import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import java.util.Optional;

/** Where the authenticator leaves a connection's principal for the authorizers and interceptors. */
final class PrincipalAttribute {

  private static final String KEY = "dispatch.principal";

  private PrincipalAttribute() {}

  static void set(ConnectionInformation connection, MqttPrincipal principal) {
    connection.getConnectionAttributeStore().putAsString(KEY, principal.asString());
  }

  static Optional<MqttPrincipal> of(ConnectionInformation connection) {
    return connection.getConnectionAttributeStore().getAsString(KEY).flatMap(MqttPrincipal::parse);
  }
}
