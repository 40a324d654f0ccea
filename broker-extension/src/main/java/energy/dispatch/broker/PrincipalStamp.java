package energy.dispatch.broker;

import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.ModifiableUserProperties;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import java.util.Optional;

/**
 * Stamps the broker-verified principal onto every publish of an edge or a service as the user property
 * {@value MqttPrincipal#USER_PROPERTY}, after removing any the client supplied, so the cloud can trust it.
 * The cloud's own publishes pass untouched. Stateless and thread-safe.
 */
final class PrincipalStamp implements PublishInboundInterceptor {

  @Override
  public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
    Optional<MqttPrincipal> principal = PrincipalAttribute.of(input.getConnectionInformation());
    if (principal.isEmpty()) {
      output.preventPublishDelivery(AckReasonCode.NOT_AUTHORIZED, "not authenticated");
      return;
    }
    if (principal.get().kind() == MqttPrincipal.Kind.CLOUD) {
      return;
    }
    ModifiableUserProperties properties = output.getPublishPacket().getUserProperties();
    properties.removeName(MqttPrincipal.USER_PROPERTY);
    properties.addUserProperty(MqttPrincipal.USER_PROPERTY, principal.get().asString());
  }
}
