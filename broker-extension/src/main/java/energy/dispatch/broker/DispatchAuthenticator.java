package energy.dispatch.broker;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every CONNECT against the credential store, from memory, on the broker's thread. A refusal is
 * answered only after a delay, through HiveMQ's async output and a scheduler, so guessing is slow while no
 * broker thread waits. Thread-safe and shared by all connections.
 */
final class DispatchAuthenticator implements SimpleAuthenticator {

  private static final Logger EVENTS = LoggerFactory.getLogger(DispatchExtension.EVENT_LOGGER);
  private static final Duration ASYNC_MARGIN = Duration.ofSeconds(5);

  private final CredentialStore credentials;
  private final ScheduledExecutorService scheduler;
  private final Duration failedLoginDelay;

  DispatchAuthenticator(CredentialStore credentials, ScheduledExecutorService scheduler, Duration failedLoginDelay) {
    this.credentials = credentials;
    this.scheduler = scheduler;
    this.failedLoginDelay = failedLoginDelay;
  }

  @Override
  public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    ConnectPacket connect = input.getConnectPacket();
    String clientId = connect.getClientId();
    LoginClaim.Result claim = LoginClaim.read(clientId, connect.getUserName());
    if (claim instanceof LoginClaim.Refused refused) {
      refuse(output, clientId, refused.refusal(), refused.reason());
      return;
    }
    Optional<MqttPrincipal> principal =
        credentials.authenticate(clientId, connect.getUserName().orElseThrow(), password(connect));
    if (principal.isEmpty()) {
      refuse(output, clientId, LoginClaim.Refusal.BAD_USER_NAME_OR_PASSWORD, "wrong user name or password");
      return;
    }
    PrincipalAttribute.set(input.getConnectionInformation(), principal.get());
    output.authenticateSuccessfully();
  }

  private void refuse(SimpleAuthOutput output, String clientId, LoginClaim.Refusal refusal, String reason) {
    EVENTS.warn("Authentication refused clientId={} reason=\"{}\"", clientId, reason);
    ConnackReasonCode code = connackCode(refusal);
    Async<SimpleAuthOutput> async =
        output.async(failedLoginDelay.plus(ASYNC_MARGIN), TimeoutFallback.FAILURE, code, reason);
    scheduler.schedule(() -> {
      output.failAuthentication(code, reason);
      async.resume();
    }, failedLoginDelay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ConnackReasonCode connackCode(LoginClaim.Refusal refusal) {
    return switch (refusal) {
      case BAD_USER_NAME_OR_PASSWORD -> ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD;
      case CLIENT_IDENTIFIER_NOT_VALID -> ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
    };
  }

  private static byte[] password(ConnectPacket connect) {
    return connect.getPassword().map(buffer -> {
      ByteBuffer copy = buffer.asReadOnlyBuffer();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return bytes;
    }).orElse(new byte[0]);
  }
}
