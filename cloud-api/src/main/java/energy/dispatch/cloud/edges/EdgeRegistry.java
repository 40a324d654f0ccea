package energy.dispatch.cloud.edges;

import energy.dispatch.schema.ClientIds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The registered edges and their MQTT credentials (table {@code edges}; the broker extension
 * reads {@code secret_hash}). A secret is returned once, at registration or rotation, and only
 * its hash is stored. Thread-safe.
 */
public final class EdgeRegistry {

  private final Jdbi jdbi;
  private final CredentialTable credentials;

  public EdgeRegistry(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.credentials = new CredentialTable(jdbi, "edges", "edge_id");
  }

  /** A registered edge. */
  public record Edge(String edgeId, String siteId, int credentialVersion, Instant createdAt) {}

  /**
   * Registers a new edge and returns its secret.
   *
   * @throws IllegalArgumentException when an id is missing or not valid, or the edge id lies in the cloud's or
   *     a service's MQTT client-id namespace, naming it and the rule
   * @throws EdgeExistsException when the edge id is taken
   */
  public String register(String edgeId, String siteId) {
    CredentialTable.requireValidId(edgeId, "edge_id");
    ClientIds.reservedEdgeIdRule(edgeId).ifPresent(rule -> {
      throw new IllegalArgumentException("edge_id '" + edgeId + "' is reserved: " + rule);
    });
    CredentialTable.requireValidId(siteId, "site_id");
    return credentials.insert(edgeId, Map.of("site_id", siteId)).orElseThrow(() -> new EdgeExistsException(edgeId));
  }

  /**
   * Replaces the edge's secret and returns the new one; the old one stops working.
   *
   * @throws UnknownEdgeException when no such edge is registered
   */
  public String rotate(String edgeId) {
    return credentials.rotate(edgeId).orElseThrow(() -> new UnknownEdgeException(edgeId));
  }

  public boolean exists(String edgeId) {
    return find(edgeId).isPresent();
  }

  public Optional<Edge> find(String edgeId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT edge_id, site_id, credential_version, created_at FROM edges WHERE edge_id = :edgeId")
        .bind("edgeId", edgeId).map((rs, ctx) -> new Edge(rs.getString(1), rs.getString(2), rs.getInt(3),
            rs.getTimestamp(4).toInstant())).findOne());
  }

  public List<Edge> all() {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT edge_id, site_id, credential_version, created_at FROM edges ORDER BY edge_id")
        .map((rs, ctx) -> new Edge(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getTimestamp(4).toInstant()))
        .list());
  }

  /** The edge id is already registered. */
  public static final class EdgeExistsException extends RuntimeException {
    public EdgeExistsException(String edgeId) {
      super("edge '" + edgeId + "' is already registered; rotate its secret instead");
    }
  }

  /** No edge with this id is registered. */
  public static final class UnknownEdgeException extends RuntimeException {
    public UnknownEdgeException(String edgeId) {
      super("edge '" + edgeId + "' is not registered");
    }
  }
}
