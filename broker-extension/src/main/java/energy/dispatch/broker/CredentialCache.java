package energy.dispatch.broker;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link CredentialSnapshot} and the revocation listeners, shared by the credential stores.
 * Thread-safe: readers see one whole snapshot; a replacement tells the listeners only after it is visible,
 * so a disconnected client that reconnects at once is already refused.
 */
final class CredentialCache {

  private static final Logger LOG = LoggerFactory.getLogger(CredentialCache.class);

  private final List<Consumer<MqttPrincipal>> listeners = new CopyOnWriteArrayList<>();
  private volatile CredentialSnapshot current;

  CredentialCache(CredentialSnapshot initial) {
    this.current = initial;
  }

  Optional<MqttPrincipal> authenticate(String clientId, String userName, byte[] password) {
    return current.authenticate(clientId, userName, password);
  }

  CredentialSnapshot current() {
    return current;
  }

  void onRevoked(Consumer<MqttPrincipal> listener) {
    listeners.add(listener);
  }

  synchronized void replace(CredentialSnapshot next) {
    CredentialSnapshot previous = current;
    current = next;
    for (MqttPrincipal withdrawn : previous.withdrawnIn(next)) {
      notifyRevoked(withdrawn);
    }
  }

  private void notifyRevoked(MqttPrincipal principal) {
    LOG.info("Credential revoked or rotated principal={}", principal);
    for (Consumer<MqttPrincipal> listener : listeners) {
      try {
        listener.accept(principal);
      } catch (RuntimeException e) {
        LOG.error("Revocation listener failed principal={}", principal, e);
      }
    }
  }
}
