package energy.dispatch.broker;

import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link TopicAcl} to every publish (last wills included) and every subscription, with the principal
 * the authenticator recorded on the connection. Always decides, never defers to a default. Thread-safe.
 */
final class DispatchAuthorizer implements PublishAuthorizer, SubscriptionAuthorizer {

  private static final Logger EVENTS = LoggerFactory.getLogger(DispatchExtension.EVENT_LOGGER);

  @Override
  public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
    Optional<MqttPrincipal> principal = PrincipalAttribute.of(input.getConnectionInformation());
    PublishPacket publish = input.getPublishPacket();
    AclDecision decision =
        TopicAcl.publish(principal, publish.getTopic(), publish.getRetain(), publish.getResponseTopic());
    if (decision.allowed()) {
      output.authorizeSuccessfully();
      return;
    }
    EVENTS.warn("Publish refused clientId={} topic={} reason=\"{}\"",
        input.getClientInformation().getClientId(), publish.getTopic(), decision.reason());
    output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, decision.reason());
  }

  @Override
  public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
    Optional<MqttPrincipal> principal = PrincipalAttribute.of(input.getConnectionInformation());
    String filter = input.getSubscription().getTopicFilter();
    AclDecision decision = TopicAcl.subscribe(principal, filter);
    if (decision.allowed()) {
      output.authorizeSuccessfully();
      return;
    }
    EVENTS.warn("Subscription refused clientId={} filter={} reason=\"{}\"",
        input.getClientInformation().getClientId(), filter, decision.reason());
    output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, decision.reason());
  }
}
