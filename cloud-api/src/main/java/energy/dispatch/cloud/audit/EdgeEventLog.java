package energy.dispatch.cloud.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.internal.GroupCommitWriter;
import energy.dispatch.schema.Json;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit of what edges report happened by themselves (table {@code edge_events}): an override
 * that reverted, a hold that ended, a config applied or refused, a restart, a device that stopped
 * or started answering, a session taken over. Any type is kept as the edge names it. An edge sends
 * each event until the broker confirms it, so a copy can arrive twice; the event's id keeps one row.
 * Thread-safe.
 */
public final class EdgeEventLog {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeEventLog.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("energy.dispatch.cloud.audit");
  private static final int MAX_ID_LENGTH = 64;

  /**
   * One event as recorded.
   *
   * @param raisedAt when the edge raised it, by the edge's clock; null when the message had no time
   * @param detail the event object as the edge sent it: its type, id and details
   */
  public record EdgeEvent(String edgeId, String eventId, String type, Instant raisedAt, Instant receivedAt,
      JsonNode detail) {}

  private final Jdbi jdbi;
  private final GroupCommitWriter writer;

  public EdgeEventLog(Jdbi jdbi, GroupCommitWriter writer) {
    this.jdbi = jdbi;
    this.writer = writer;
  }

  /**
   * Records the event a state message carries; completes once its row committed (true) or was
   * there already (false). A message whose event has no usable id or type is logged and dropped:
   * sending it again would not make it usable.
   */
  public CompletableFuture<Boolean> record(String edgeId, JsonNode stateMessage) {
    JsonNode event = stateMessage.get("event");
    Optional<String> problem = problem(event);
    if (problem.isPresent()) {
      LOG.warn("Ignoring an event from edgeId={}: {}", edgeId, problem.get());
      return CompletableFuture.completedFuture(false);
    }
    String eventId = event.get("event_id").asText();
    String type = event.get("type").asText();
    Instant raisedAt = instant(stateMessage.path("at").asText(null));
    return writer.submit(edgeId, h -> h.createUpdate("""
            INSERT INTO edge_events (edge_id, event_id, type, raised_at, detail)
            VALUES (:edgeId, :eventId, :type, :raisedAt, CAST(:detail AS jsonb))
            ON CONFLICT (edge_id, event_id) DO NOTHING""")
        .bind("edgeId", edgeId).bind("eventId", eventId).bind("type", type)
        .bind("raisedAt", raisedAt == null ? null : raisedAt.atOffset(ZoneOffset.UTC))
        .bind("detail", event.toString()).execute() == 1)
        .thenApply(inserted -> {
          if (inserted) {
            AUDIT.info("Edge event recorded edgeId={} type={} eventId={} raisedAt={}", edgeId, type, eventId, raisedAt);
          }
          return inserted;
        });
  }

  /** The edge's most recent events, newest first. */
  public List<EdgeEvent> recent(String edgeId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT edge_id, event_id, type, raised_at, received_at, detail::text FROM edge_events
            WHERE edge_id = :edgeId ORDER BY received_at DESC, event_id LIMIT :limit""")
        .bind("edgeId", edgeId).bind("limit", limit)
        .map((rs, ctx) -> new EdgeEvent(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant(),
            json(rs.getString(6))))
        .list());
  }

  private static Optional<String> problem(JsonNode event) {
    if (event == null || !event.isObject()) {
      return Optional.of("'event' is not an object");
    }
    for (String field : List.of("event_id", "type")) {
      JsonNode value = event.get(field);
      if (value == null || !value.isTextual() || value.asText().isEmpty() || value.asText().length() > MAX_ID_LENGTH
          || value.asText().chars().anyMatch(Character::isISOControl)) {
        return Optional.of("'event." + field + "' must be a string of 1 to " + MAX_ID_LENGTH
            + " characters without control characters");
      }
    }
    return Optional.empty();
  }

  private static JsonNode json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("an edge event's stored detail is not JSON", e);
    }
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
