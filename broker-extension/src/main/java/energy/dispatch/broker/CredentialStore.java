package energy.dispatch.broker;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The credentials the broker accepts. {@link #authenticate} answers from memory and never blocks, because
 * HiveMQ calls it on its network threads. Implementations are thread-safe.
 */
public interface CredentialStore extends AutoCloseable {

  /**
   * Loads the credentials; called once by the extension before it admits any client.
   *
   * @throws IllegalStateException when the credentials cannot be loaded (the broker then admits nobody)
   */
  void start();

  /**
   * The principal that the client id and user name claim, if {@code password} is its secret; empty for any
   * unknown, revoked or mismatched login.
   */
  Optional<MqttPrincipal> authenticate(String clientId, String userName, byte[] password);

  /**
   * Registers a listener told of every principal whose credential was revoked or rotated after it was
   * accepted, so its live sessions can be disconnected. Called on the store's own thread.
   */
  void onRevoked(Consumer<MqttPrincipal> listener);

  /** Stops refreshing; idempotent. */
  @Override
  void close();
}
