package energy.dispatch.cloud.edges;

import energy.dispatch.schema.ClientIds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Service principals (optimizers) and their MQTT credentials (table {@code services}; the broker
 * extension reads {@code secret_hash} of those not revoked). A secret is returned once, at
 * registration or rotation, and only its hash is stored. What a service may command is decided by
 * its grants ({@code service:<name>}). Thread-safe.
 */
public final class ServiceRegistry {

  private final Jdbi jdbi;
  private final CredentialTable credentials;

  public ServiceRegistry(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.credentials = new CredentialTable(jdbi, "services", "service_name");
  }

  /** A registered service; {@code revokedAt} is null while its credential is in force. */
  public record Service(String serviceName, int credentialVersion, Instant createdAt, Instant revokedAt) {

    public String principal() {
      return "service:" + serviceName;
    }
  }

  /**
   * Registers a new service and returns its secret.
   *
   * @throws IllegalArgumentException when the name is missing or not valid
   * @throws ServiceExistsException when the name is taken, revoked or not
   */
  public String register(String serviceName) {
    requireValidName(serviceName);
    return credentials.insert(serviceName, Map.of()).orElseThrow(() -> new ServiceExistsException(serviceName));
  }

  /**
   * Replaces the service's secret (reinstating a revoked service) and returns the new one; the old
   * one stops working and the broker closes its sessions.
   *
   * @throws IllegalArgumentException when the name is not valid: a row written before the rule, whose
   *     service the broker refuses whatever its secret; revoke it and register a valid name instead
   * @throws UnknownServiceException when no such service is registered
   */
  public String rotate(String serviceName) {
    requireValidName(serviceName);
    return credentials.rotate(serviceName).orElseThrow(() -> new UnknownServiceException(serviceName));
  }

  /**
   * Revokes the service's credential: the broker refuses it and closes its sessions. Its grants stay,
   * inert, until a rotation reinstates it.
   *
   * @throws UnknownServiceException when no such service is registered
   */
  public void revoke(String serviceName) {
    if (!credentials.revoke(serviceName)) {
      throw new UnknownServiceException(serviceName);
    }
  }

  /**
   * Checks a service name with the rule the broker enforces ({@link ClientIds#serviceNameRule}).
   *
   * @throws IllegalArgumentException naming the field and the rule
   */
  private static void requireValidName(String serviceName) {
    if (serviceName == null || serviceName.isEmpty()) {
      throw new IllegalArgumentException("service_name is required: " + ClientIds.SERVICE_NAME_RULE);
    }
    if (ClientIds.serviceNameRule(serviceName).isPresent()) {
      throw new IllegalArgumentException(
          "service_name must be " + ClientIds.SERVICE_NAME_RULE + ", got '" + serviceName + "'");
    }
  }

  public List<Service> all() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT service_name, credential_version, created_at, revoked_at FROM services ORDER BY service_name")
        .map((rs, ctx) -> new Service(rs.getString(1), rs.getInt(2), rs.getTimestamp(3).toInstant(),
            rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()))
        .list());
  }

  /** The service name is already registered. */
  public static final class ServiceExistsException extends RuntimeException {
    public ServiceExistsException(String serviceName) {
      super("service '" + serviceName + "' is already registered; rotate its secret instead");
    }
  }

  /** No service with this name is registered. */
  public static final class UnknownServiceException extends RuntimeException {
    public UnknownServiceException(String serviceName) {
      super("service '" + serviceName + "' is not registered");
    }
  }
}
