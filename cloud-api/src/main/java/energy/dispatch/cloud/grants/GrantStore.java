package energy.dispatch.cloud.grants;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Per-edge permissions from the {@code grants} table. Every command and every status push asks
 * here; a principal's grants are remembered for at most {@link #FRESHNESS}, so a revoke on another
 * node takes effect within that moment (at once on this node: once {@link #grant} or
 * {@link #revoke} returns, no answer read before the change is served again). Thread-safe.
 */
public final class GrantStore {

  private static final String GRANT_COLUMNS = "SELECT principal, edge_pattern, can_view, can_control FROM grants";

  public static final Duration FRESHNESS = Duration.ofSeconds(1);

  private final Jdbi jdbi;
  private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();
  /** Counts this node's changes; a cached answer read under an older count is stale. */
  private final AtomicLong revision = new AtomicLong();

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
    changed(grant.principal());
  }

  /** Removes the grant; false when there was none. */
  public boolean revoke(String principal, String edgePattern) {
    int removed = jdbi.withHandle(h -> h.createUpdate(
            "DELETE FROM grants WHERE principal = :principal AND edge_pattern = :pattern")
        .bind("principal", principal).bind("pattern", edgePattern).execute());
    changed(principal);
    return removed > 0;
  }

  /** Called after the change committed, so a load that began before it is caught by the revision. */
  private void changed(String principal) {
    revision.incrementAndGet();
    cache.remove(principal);
  }

  /** The principal's grants, at most {@link #FRESHNESS} old. */
  public List<Grant> grantsOf(String principal) {
    long now = System.nanoTime();
    Cached cached = cache.get(principal);
    if (cached != null && cached.revision == revision.get() && now - cached.loadedAtNanos < FRESHNESS.toNanos()) {
      return cached.grants;
    }
    // Read before the load: a change committed during the load leaves this entry under an older revision.
    long loadedAtRevision = revision.get();
    List<Grant> loaded = load(principal);
    cache.put(principal, new Cached(loaded, now, loadedAtRevision));
    return loaded;
  }

  /** Every grant, or only those of {@code principal} when given, read from the record (not the cache). */
  public List<Grant> list(Optional<String> principal) {
    return principal.map(this::load).orElseGet(() -> jdbi.withHandle(h -> h.createQuery(
            GRANT_COLUMNS + " ORDER BY principal, edge_pattern").map(GrantStore::grant).list()));
  }

  private List<Grant> load(String principal) {
    return jdbi.withHandle(h -> h.createQuery(GRANT_COLUMNS + " WHERE principal = :principal ORDER BY edge_pattern")
        .bind("principal", principal).map(GrantStore::grant).list());
  }

  private static Grant grant(ResultSet row, StatementContext ctx) throws SQLException {
    return new Grant(row.getString("principal"), row.getString("edge_pattern"), row.getBoolean("can_view"),
        row.getBoolean("can_control"));
  }

  private record Cached(List<Grant> grants, long loadedAtNanos, long revision) {}
}
