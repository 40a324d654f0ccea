package energy.dispatch.broker;

import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import energy.dispatch.schema.ClientIds;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disconnects the live sessions of a principal whose credential was revoked or rotated. An edge has one
 * client id (its edge id); a service may run several clients named {@code service-<name>-...}, found by
 * walking the sessions, which is rare enough to afford; as no service name contains {@code -}, none of
 * them is another service's. Thread-safe.
 */
final class SessionTerminator implements Consumer<MqttPrincipal> {

  private static final Logger EVENTS = LoggerFactory.getLogger(DispatchExtension.EVENT_LOGGER);
  private static final String REASON = "credential revoked or rotated";

  @Override
  public void accept(MqttPrincipal principal) {
    ClientService clients = Services.clientService();
    switch (principal.kind()) {
      case EDGE -> disconnect(clients, principal.name());
      case SERVICE -> clients.iterateAllClients((context, session) -> {
        if (session.isConnected() && ClientIds.isServiceClientId(session.getClientIdentifier(), principal.name())) {
          disconnect(clients, session.getClientIdentifier());
        }
      });
      case CLOUD -> clients.iterateAllClients((context, session) -> {
        if (session.isConnected() && session.getClientIdentifier().startsWith(ClientIds.CLOUD_PREFIX)) {
          disconnect(clients, session.getClientIdentifier());
        }
      });
    }
  }

  private static void disconnect(ClientService clients, String clientId) {
    clients.disconnectClient(clientId, false, DisconnectReasonCode.NOT_AUTHORIZED, REASON)
        .whenComplete((wasConnected, failure) -> {
          if (failure != null) {
            EVENTS.error("Disconnecting a revoked client failed clientId={}", clientId, failure);
          } else if (wasConnected) {
            EVENTS.info("Revoked client disconnected clientId={}", clientId);
          }
        });
  }
}
