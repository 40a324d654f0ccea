package energy.dispatch.cloud.edges;

import energy.dispatch.schema.CredentialHash;
import org.jdbi.v3.core.Jdbi;

/**
 * Service principals (optimizers) and their MQTT credentials (table {@code services}; the broker
 * extension reads {@code secret_hash}). A secret is returned once and only its hash is stored.
 * What a service may command is decided by its grants ({@code service:<name>}). Thread-safe.
 */
public final class ServiceRegistry {

  private final Jdbi jdbi;

  public ServiceRegistry(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Registers the service, or gives it a new secret when it exists (the old one stops working), and
   * returns the secret.
   */
  public String registerOrRotate(String serviceName) {
    if (serviceName == null || !serviceName.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("service name must be 1-64 letters, digits, '_' or '-', was '"
          + serviceName + "'");
    }
    String secret = CredentialHash.newSecret();
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO services (service_name, secret_hash) VALUES (:name, :hash)
            ON CONFLICT (service_name) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, revoked_at = NULL""")
        .bind("name", serviceName).bind("hash", CredentialHash.hash(secret)).execute());
    return secret;
  }
}
