package energy.dispatch.cloud.audit;

import energy.dispatch.cloud.internal.GroupCommitWriter;
import energy.dispatch.schema.ErrorDetail;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit of refused commands (table {@code refusals}) and the audit log line of each refusal.
 * Written through the group commit writer without holding up the answer to the client. Thread-safe.
 */
public final class RefusalLog {

  private static final Logger AUDIT = LoggerFactory.getLogger("energy.dispatch.cloud.audit");

  private final GroupCommitWriter writer;

  public RefusalLog(GroupCommitWriter writer) {
    this.writer = writer;
  }

  /**
   * Records a refusal; {@code principal}, {@code commandId} and {@code edgeId} may be null when
   * unknown. Completes when the row committed, or at once when it could not be written (logged);
   * never exceptionally, so a refusal is always answered.
   */
  public CompletableFuture<Void> record(String principal, String commandId, String edgeId, ErrorDetail error,
      Instant at) {
    AUDIT.info("Command refused commandId={} edgeId={} principal={} code={} reason={}", commandId, edgeId, principal,
        error.code(), error.message());
    return writer.<Integer>submit(edgeId == null ? "refusals" : edgeId, h -> h.createUpdate("""
            INSERT INTO refusals (at, principal, command_id, edge_id, code, message)
            VALUES (:at, :principal, :commandId, :edgeId, :code, :message)""")
        .bind("at", at.atOffset(ZoneOffset.UTC)).bind("principal", principal).bind("commandId", commandId)
        .bind("edgeId", edgeId).bind("code", error.code()).bind("message", storable(error.message())).execute())
        .handle((rows, e) -> {
          if (e != null) {
            AUDIT.warn("Refusal not recorded in the database commandId={} code={}; the log line above is its only "
                + "trace", commandId, error.code(), e);
          }
          return null;
        });
  }

  /** A message that quotes the sender's input can hold a NUL, which PostgreSQL cannot store in text. */
  private static String storable(String message) {
    return message.replace("\0", "\\u0000");
  }
}
