package energy.dispatch.cloud.audit;

import energy.dispatch.cloud.internal.GroupCommitWriter;
import java.time.Clock;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit of administrators' actions (table {@code admin_actions}) and its log line: who did what to
 * which subject, when. Thread-safe.
 */
public final class AdminAudit {

  private static final Logger AUDIT = LoggerFactory.getLogger("energy.dispatch.cloud.audit");

  private final GroupCommitWriter writer;
  private final Clock clock;

  public AdminAudit(GroupCommitWriter writer, Clock clock) {
    this.writer = writer;
    this.clock = clock;
  }

  /**
   * Records an action that took effect and returns once its row committed, so the administrator's
   * answer follows the audit. A row that cannot be written is logged as such; the action stands.
   *
   * @param action what was done, as {@code edge.register}, {@code service.revoke}, ...
   * @param subject what it was done to: an edge id, a principal, a grant
   */
  public void record(String principal, String action, String subject) {
    AUDIT.info("Admin action action={} subject={} principal={}", action, subject, principal);
    writer.<Integer>submit("admin_actions", h -> h.createUpdate("""
            INSERT INTO admin_actions (at, principal, action, subject) VALUES (:at, :principal, :action, :subject)""")
        .bind("at", clock.instant().atOffset(ZoneOffset.UTC)).bind("principal", principal).bind("action", action)
        .bind("subject", subject).execute())
        .handle((rows, e) -> {
          if (e != null) {
            AUDIT.warn("Admin action not recorded in the database action={} subject={}; the log line above is its "
                + "only trace", action, subject, e);
          }
          return null;
        }).join();
  }
}
