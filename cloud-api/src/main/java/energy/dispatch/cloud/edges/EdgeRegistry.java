package energy.dispatch.cloud.edges;

import energy.dispatch.schema.ClientIds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The registered edges and their MQTT credentials (table {@code edges}; the broker extension
 * reads {@code secret_hash}). A secret is returned once, at registration or rotation, and only
 * its hash is stored. Thread-safe.
 */
public final class EdgeRegistry {

  private static final String EDGE_COLUMNS =
      "SELECT edge_id, site_id, credential_version, created_at, revoked_at FROM edges";

  private final Jdbi jdbi;
  private final CredentialTable credentials;

  public EdgeRegistry(Jdbi jdbi) {
    this.jdbi = jdbi;
    this.credentials = new CredentialTable(jdbi, "edges", "edge_id");
  }

  /** A registered edge; {@code revokedAt} is null while its credential is valid. */
  public record Edge(String edgeId, String siteId, int credentialVersion, Instant createdAt, Instant revokedAt) {}

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

  /**
   * Withdraws the edge's credential: the broker refuses it and closes its session within its refresh
   * interval. Its commands stay in the record; rotating the secret reinstates the edge.
   *
   * @throws UnknownEdgeException when no such edge is registered
   */
  public void revoke(String edgeId) {
    if (!credentials.revoke(edgeId)) {
      throw new UnknownEdgeException(edgeId);
    }
  }

  public boolean exists(String edgeId) {
    return find(edgeId).isPresent();
  }

  public Optional<Edge> find(String edgeId) {
    return jdbi.withHandle(h -> h.createQuery(EDGE_COLUMNS + " WHERE edge_id = :edgeId")
        .bind("edgeId", edgeId).map(EdgeRegistry::edge).findOne());
  }

  public List<Edge> all() {
    return jdbi.withHandle(h -> h.createQuery(EDGE_COLUMNS + " ORDER BY edge_id").map(EdgeRegistry::edge).list());
  }

  private static Edge edge(ResultSet row, StatementContext ctx) throws SQLException {
    Timestamp revokedAt = row.getTimestamp("revoked_at");
    return new Edge(row.getString("edge_id"), row.getString("site_id"), row.getInt("credential_version"),
        row.getTimestamp("created_at").toInstant(), revokedAt == null ? null : revokedAt.toInstant());
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
