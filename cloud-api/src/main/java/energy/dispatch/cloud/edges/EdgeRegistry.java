package energy.dispatch.cloud.edges;

import energy.dispatch.schema.CredentialHash;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The registered edges and their MQTT credentials (table {@code edges}; the broker extension
 * reads {@code secret_hash}). A secret is returned once, at registration or rotation, and only
 * its hash is stored. Thread-safe.
 */
public final class EdgeRegistry {

  private final Jdbi jdbi;

  public EdgeRegistry(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A registered edge. */
  public record Edge(String edgeId, String siteId, int credentialVersion, Instant createdAt) {}

  /**
   * Registers a new edge and returns its secret.
   *
   * @throws EdgeExistsException when the edge id is taken
   */
  public String register(String edgeId, String siteId) {
    requireValidId(edgeId, "edge_id");
    requireValidId(siteId, "site_id");
    String secret = CredentialHash.newSecret();
    int inserted = jdbi.withHandle(h -> h.createUpdate("""
            INSERT INTO edges (edge_id, site_id, secret_hash, credential_version)
            VALUES (:edgeId, :siteId, :hash, 1) ON CONFLICT (edge_id) DO NOTHING""")
        .bind("edgeId", edgeId).bind("siteId", siteId).bind("hash", CredentialHash.hash(secret)).execute());
    if (inserted == 0) {
      throw new EdgeExistsException(edgeId);
    }
    return secret;
  }

  /**
   * Replaces the edge's secret and returns the new one; the old one stops working.
   *
   * @throws UnknownEdgeException when no such edge is registered
   */
  public String rotate(String edgeId) {
    String secret = CredentialHash.newSecret();
    int updated = jdbi.withHandle(h -> h.createUpdate("""
            UPDATE edges SET secret_hash = :hash, credential_version = credential_version + 1, revoked_at = NULL
            WHERE edge_id = :edgeId""")
        .bind("edgeId", edgeId).bind("hash", CredentialHash.hash(secret)).execute());
    if (updated == 0) {
      throw new UnknownEdgeException(edgeId);
    }
    return secret;
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

  private static void requireValidId(String id, String name) {
    if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(name + " must be 1-64 letters, digits, _ or -, got '" + id + "'");
    }
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
