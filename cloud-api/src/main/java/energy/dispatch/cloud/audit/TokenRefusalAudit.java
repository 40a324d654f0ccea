package energy.dispatch.cloud.audit;

import energy.dispatch.cloud.auth.TokenRefusedException;
import energy.dispatch.cloud.internal.GroupCommitWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit of refused access tokens (table {@code token_refusals}). Refusals are driven by whoever
 * sends tokens, so they are counted in memory and written once per window: one row per entry
 * point, reason, remote address, principal and claimed user id, with how many attempts it
 * counts. At most {@code maxSources} distinct rows are kept per window; refusals beyond them are
 * summed into a folded row per entry point and reason, without address or user. A flood thus
 * costs at most {@code maxSources} plus a few dozen rows per window, written in one transaction
 * through the group commit writer. Never sees a token. Thread-safe.
 */
public final class TokenRefusalAudit implements AutoCloseable {

  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_SOURCES = 1_000;

  private static final Logger AUTH_LOG = LoggerFactory.getLogger("energy.dispatch.cloud.audit.auth");
  private static final String ORDERING_KEY = "token_refusals";

  /** Where a token was presented. */
  public enum EntryPoint {
    /** The {@code Authorization} header of a WebSocket upgrade. */
    WS_HEADER,
    /** The first {@code auth} message of a WebSocket. */
    WS_AUTH_MESSAGE,
    /** An {@code auth} message on an authenticated WebSocket: an in-band renewal. */
    WS_RENEWAL,
    /** The {@code Authorization: Bearer} header of a REST request. */
    REST;

    String auditCode() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One refusal as the audit keys it.
   *
   * @param principal the already authenticated principal of the connection, or null
   * @param claimedUserId the user id of a token whose signature verified, or null; never a principal
   */
  public record Refusal(EntryPoint entryPoint, String reason, String remoteAddress, String principal,
      String claimedUserId) {

    public static Refusal of(EntryPoint entryPoint, TokenRefusedException refusal, String remoteAddress,
        String principal) {
      return new Refusal(entryPoint, refusal.reason().auditCode(), remoteAddress, principal,
          refusal.signedUserId().orElse(null));
    }

    Refusal folded() {
      return new Refusal(entryPoint, reason, null, null, null);
    }
  }

  /** First and last time and the count of one row's refusals. Guarded by the audit's lock. */
  private static final class Tally {
    final Instant first;
    Instant last;
    int attempts;

    Tally(Instant at) {
      first = at;
      last = at;
    }

    void add(Instant at) {
      last = at;
      attempts++;
    }
  }

  private record Row(Refusal refusal, Tally tally, boolean folded) {}

  private final GroupCommitWriter writer;
  private final Clock clock;
  private final int maxSources;
  private final ScheduledExecutorService flusher;
  private Map<Refusal, Tally> sources = new HashMap<>();
  private Map<Refusal, Tally> folded = new HashMap<>();

  /**
   * @param window how long refusals are counted before their rows are written
   * @param maxSources distinct rows per window before further refusals are folded
   */
  public TokenRefusalAudit(GroupCommitWriter writer, Clock clock, Duration window, int maxSources) {
    this.writer = writer;
    this.clock = clock;
    this.maxSources = maxSources;
    this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "dispatch-token-refusal-audit");
      thread.setDaemon(true);
      return thread;
    });
    flusher.scheduleWithFixedDelay(this::flush, window.toMillis(), window.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Counts a refusal towards this window's rows; never blocks on the database. */
  public synchronized void record(Refusal refusal) {
    Map<Refusal, Tally> into = sources.containsKey(refusal) || sources.size() < maxSources ? sources : folded;
    Refusal key = into == sources ? refusal : refusal.folded();
    into.computeIfAbsent(key, k -> new Tally(clock.instant())).add(clock.instant());
  }

  /** Writes this window's rows; the future completes with their number once committed, or 0 when none were written. */
  CompletableFuture<Integer> flush() {
    List<Row> rows = takeWindow();
    if (rows.isEmpty()) {
      return CompletableFuture.completedFuture(0);
    }
    rows.forEach(TokenRefusalAudit::log);
    return writer.submit(ORDERING_KEY, handle -> insert(handle.prepareBatch("""
            INSERT INTO token_refusals (first_at, last_at, entry_point, reason, remote_address, principal,
                claimed_user_id, attempts, folded)
            VALUES (:firstAt, :lastAt, :entryPoint, :reason, :remoteAddress, :principal, :claimedUserId, :attempts,
                :folded)"""), rows))
        .exceptionally(e -> {
          AUTH_LOG.warn("Token refusals not recorded in the database rows={} attempts={}; the log lines above are "
              + "their only trace", rows.size(), rows.stream().mapToInt(row -> row.tally().attempts).sum(), e);
          return 0;
        });
  }

  private synchronized List<Row> takeWindow() {
    List<Row> rows = new ArrayList<>(sources.size() + folded.size());
    sources.forEach((refusal, tally) -> rows.add(new Row(refusal, tally, false)));
    folded.forEach((refusal, tally) -> rows.add(new Row(refusal, tally, true)));
    sources = new HashMap<>();
    folded = new HashMap<>();
    return rows;
  }

  private static int insert(PreparedBatch batch, List<Row> rows) {
    for (Row row : rows) {
      Refusal refusal = row.refusal();
      batch.bind("firstAt", row.tally().first.atOffset(ZoneOffset.UTC))
          .bind("lastAt", row.tally().last.atOffset(ZoneOffset.UTC))
          .bind("entryPoint", refusal.entryPoint().auditCode()).bind("reason", refusal.reason())
          .bind("remoteAddress", refusal.remoteAddress()).bind("principal", refusal.principal())
          .bind("claimedUserId", refusal.claimedUserId()).bind("attempts", row.tally().attempts)
          .bind("folded", row.folded()).add();
    }
    return batch.execute().length;
  }

  private static void log(Row row) {
    Refusal refusal = row.refusal();
    AUTH_LOG.info("Tokens refused entryPoint={} reason={} remoteAddress={} principal={} claimedUserId={} "
            + "attempts={} folded={}", refusal.entryPoint().auditCode(), refusal.reason(), refusal.remoteAddress(),
        refusal.principal(), refusal.claimedUserId(), row.tally().attempts, row.folded());
  }

  /** Stops counting and writes what the last window holds (waiting at most 5 s). */
  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
      flush().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      AUTH_LOG.warn("The last window of token refusals may not be recorded", e);
    }
  }
}
