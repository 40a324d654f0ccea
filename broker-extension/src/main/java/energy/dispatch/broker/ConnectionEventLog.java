package energy.dispatch.broker;

import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationFailedInput;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes client connects, disconnects and authentication failures to the event logger
 * {@value DispatchExtension#EVENT_LOGGER}, apart from the broker's operational log. Stateless and thread-safe.
 */
final class ConnectionEventLog implements ClientLifecycleEventListener {

  private static final Logger EVENTS = LoggerFactory.getLogger(DispatchExtension.EVENT_LOGGER);

  @Override
  public void onMqttConnectionStart(ConnectionStartInput input) {
    EVENTS.debug("Connection started clientId={} address={}", input.getClientInformation().getClientId(),
        input.getConnectionInformation().getInetAddress().map(InetAddress::getHostAddress).orElse("unknown"));
  }

  @Override
  public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
    EVENTS.info("Client connected clientId={} principal={} address={}", input.getClientInformation().getClientId(),
        PrincipalAttribute.of(input.getConnectionInformation()).map(MqttPrincipal::asString).orElse("unknown"),
        input.getConnectionInformation().getInetAddress().map(InetAddress::getHostAddress).orElse("unknown"));
  }

  @Override
  public void onAuthenticationFailedDisconnect(AuthenticationFailedInput input) {
    EVENTS.warn("Authentication failed clientId={} reasonCode={} reason=\"{}\"",
        input.getClientInformation().getClientId(), input.getReasonCode().map(Object::toString).orElse("none"),
        input.getReasonString().orElse(""));
  }

  @Override
  public void onDisconnect(DisconnectEventInput input) {
    EVENTS.info("Client disconnected clientId={} reasonCode={} reason=\"{}\"",
        input.getClientInformation().getClientId(), input.getReasonCode().map(Object::toString).orElse("none"),
        input.getReasonString().orElse(""));
  }
}
