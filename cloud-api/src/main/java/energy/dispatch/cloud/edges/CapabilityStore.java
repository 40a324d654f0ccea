package energy.dispatch.cloud.edges;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Json;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Versioned capability configs (table {@code capability_configs}); the highest version of an edge
 * is its current one. Uploads are validated with {@link CapabilityConfig#parse} and stored as the
 * next version. The current config is remembered for {@link #FRESHNESS} so that checking every
 * command stays cheap; an upload on this node is seen at once. Thread-safe.
 */
public final class CapabilityStore {

  public static final Duration FRESHNESS = Duration.ofSeconds(2);

  private final Jdbi jdbi;
  private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();

  public CapabilityStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A stored config: its version and document as the edge receives it. */
  public record StoredConfig(int version, JsonNode document, CapabilityConfig config) {}

  /**
   * Validates and stores the document as the edge's next version, which it returns. The stored
   * document's {@code version} is set by the store, and so is its {@code edge_id} when it names none.
   *
   * @throws CapabilityConfig.InvalidConfigException listing every problem
   * @throws EdgeRegistry.UnknownEdgeException when the edge is not registered
   */
  public int store(String edgeId, JsonNode document, String uploadedBy) {
    if (!document.isObject()) {
      throw new CapabilityConfig.InvalidConfigException(java.util.List.of("the config must be a JSON object"));
    }
    String named = document.path("edge_id").asText(edgeId);
    if (!named.equals(edgeId)) {
      // most likely another site's file: storing it would hand this edge another site's devices
      throw new CapabilityConfig.InvalidConfigException(java.util.List.of("the config names edge '" + named
          + "' but is uploaded for edge '" + edgeId + "'; upload the file of " + edgeId + ", or fix its edge_id"));
    }
    int version = jdbi.inTransaction(h -> {
      h.execute("SELECT pg_advisory_xact_lock(hashtext(?))", edgeId);
      Integer exists = h.createQuery("SELECT 1 FROM edges WHERE edge_id = :edgeId").bind("edgeId", edgeId)
          .mapTo(Integer.class).findOne().orElse(null);
      if (exists == null) {
        throw new EdgeRegistry.UnknownEdgeException(edgeId);
      }
      int next = h.createQuery("SELECT coalesce(max(version), 0) + 1 FROM capability_configs WHERE edge_id = :edgeId")
          .bind("edgeId", edgeId).mapTo(Integer.class).one();
      ObjectNode stamped = ((ObjectNode) document.deepCopy()).put("edge_id", edgeId).put("version", next);
      CapabilityConfig.parse(stamped);
      h.createUpdate("""
              INSERT INTO capability_configs (edge_id, version, document, uploaded_by)
              VALUES (:edgeId, :version, CAST(:document AS jsonb), :uploadedBy)""")
          .bind("edgeId", edgeId).bind("version", next).bind("document", stamped.toString())
          .bind("uploadedBy", uploadedBy).execute();
      return next;
    });
    cache.remove(edgeId);
    return version;
  }

  /** The edge's current config, if one was ever stored. */
  public Optional<StoredConfig> current(String edgeId) {
    long now = System.nanoTime();
    Cached cached = cache.get(edgeId);
    if (cached != null && now - cached.loadedAtNanos < FRESHNESS.toNanos()) {
      return cached.config;
    }
    Optional<StoredConfig> loaded = load(edgeId);
    cache.put(edgeId, new Cached(loaded, now));
    return loaded;
  }

  private Optional<StoredConfig> load(String edgeId) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT version, document::text FROM capability_configs WHERE edge_id = :edgeId
            ORDER BY version DESC LIMIT 1""")
        .bind("edgeId", edgeId)
        .map((rs, ctx) -> toStored(rs.getInt(1), rs.getString(2)))
        .findOne());
  }

  private static StoredConfig toStored(int version, String text) {
    try {
      JsonNode document = Json.mapper().readTree(text);
      return new StoredConfig(version, document, CapabilityConfig.parse(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("capability config version " + version + " in the database is not JSON", e);
    }
  }

  private record Cached(Optional<StoredConfig> config, long loadedAtNanos) {}
}
