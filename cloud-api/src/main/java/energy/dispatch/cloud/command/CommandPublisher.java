package energy.dispatch.cloud.command;

import java.util.concurrent.CompletableFuture;

/** Hands a command to the broker for its edge; completes on the broker's acknowledgment. */
@FunctionalInterface
public interface CommandPublisher {

  /**
   * @param expirySeconds the MQTT message expiry: seconds until the command's deadline
   */
  CompletableFuture<Void> publish(String edgeId, byte[] commandJson, long expirySeconds);
}
