package energy.dispatch.cloud.grants;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Per-edge permissions from the {@code grants} table. Every command and every status push asks
 * here; a principal's grants are remembered for at most {@link #FRESHNESS}, so a revoke on another
 * node takes effect within that moment (at once on this node). Thread-safe.
 */
public final class GrantStore {

  public static final Duration FRESHNESS = Duration.ofSeconds(1);

  private final Jdbi jdbi;
  private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();

  public GrantStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public boolean canView(String principal, String edgeId) {
    return grantsOf(principal).stream().anyMatch(g -> g.allowsView() && g.covers(edgeId));
  }

  public boolean canControl(String principal, String edgeId) {
    return grantsOf(principal).stream().anyMatch(g -> g.canControl() && g.covers(edgeId));
  }

  /** Creates the grant or replaces the permissions of the same principal and pattern. */
  public void grant(Grant grant) {
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO grants (principal, edge_pattern, can_view, can_control)
            VALUES (:principal, :edgePattern, :canView, :canControl)
            ON CONFLICT (principal, edge_pattern)
            DO UPDATE SET can_view = excluded.can_view, can_control = excluded.can_control""")
        .bindMethods(grant).execute());
    cache.remove(grant.principal());
  }

  /** Removes the grant; false when there was none. */
  public boolean revoke(String principal, String edgePattern) {
    int removed = jdbi.withHandle(h -> h.createUpdate(
            "DELETE FROM grants WHERE principal = :principal AND edge_pattern = :pattern")
        .bind("principal", principal).bind("pattern", edgePattern).execute());
    cache.remove(principal);
    return removed > 0;
  }

  /** The principal's grants, at most {@link #FRESHNESS} old. */
  public List<Grant> grantsOf(String principal) {
    long now = System.nanoTime();
    Cached cached = cache.get(principal);
    if (cached != null && now - cached.loadedAtNanos < FRESHNESS.toNanos()) {
      return cached.grants;
    }
    List<Grant> loaded = load(principal);
    cache.put(principal, new Cached(loaded, now));
    return loaded;
  }

  private List<Grant> load(String principal) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT principal, edge_pattern, can_view, can_control FROM grants WHERE principal = :principal")
        .bind("principal", principal)
        .map((rs, ctx) -> new Grant(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)))
        .list());
  }

  private record Cached(List<Grant> grants, long loadedAtNanos) {}
}
