package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.internal.GroupCommitWriter;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.SchemaValidator;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the edges' acks: only an ack on the ack topic of the command's own edge counts; a
 * {@code delivered} ack stops the delivery timer, a result ends the command, and a result after a
 * timeout is kept beside it as the late result and pushed with {@code late: true}. Duplicates
 * (redeliveries) change nothing. Thread-safe.
 */
public final class AckHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AckHandler.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("energy.dispatch.cloud.audit");

  private final CommandStore store;
  private final GroupCommitWriter writer;
  private final Delivery delivery;
  private final StatusSink sink;
  private final RecentCommands recent;
  private final Clock clock;

  public AckHandler(CommandStore store, GroupCommitWriter writer, Delivery delivery, StatusSink sink,
      RecentCommands recent, Clock clock) {
    this.store = store;
    this.writer = writer;
    this.delivery = delivery;
    this.sink = sink;
    this.recent = recent;
    this.clock = clock;
  }

  /** Handles an ack that arrived on {@code topicEdgeId}'s ack topic; completes when it is recorded. */
  public CompletableFuture<?> onAck(String topicEdgeId, byte[] payload) {
    Optional<JsonNode> json = readAck(topicEdgeId, payload);
    if (json.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    Ack ack = Json.mapper().convertValue(json.get(), Ack.class);
    Optional<CommandRecord> record = recent.get(ack.commandId()).or(() -> store.find(ack.commandId()));
    if (record.isEmpty()) {
      LOG.warn("Ignoring an ack for an unknown command commandId={} edgeId={}", ack.commandId(), topicEdgeId);
      return CompletableFuture.completedFuture(null);
    }
    if (!record.get().edgeId().equals(topicEdgeId)) {
      LOG.warn("Ignoring an ack on edge {}'s topic for a command of another edge commandId={} edgeId={}",
          topicEdgeId, ack.commandId(), record.get().edgeId());
      return CompletableFuture.completedFuture(null);
    }
    return record(record.get(), ack, json.get());
  }

  private Optional<JsonNode> readAck(String edgeId, byte[] payload) {
    try {
      JsonNode json = Json.mapper().readTree(payload);
      List<String> violations = SchemaValidator.instance().violations(SchemaValidator.Schema.ACK, json);
      if (violations.isEmpty()) {
        return Optional.of(json);
      }
      LOG.warn("Ignoring an invalid ack edgeId={} violations={}", edgeId, violations);
    } catch (IOException e) {
      LOG.warn("Ignoring an ack that is not JSON edgeId={}", edgeId, e);
    }
    return Optional.empty();
  }

  private CompletableFuture<?> record(CommandRecord record, Ack ack, JsonNode json) {
    String actor = "edge:" + record.edgeId();
    CommandStatus target = ack.status().commandStatus();
    Transition move = Transition.to(record.commandId(), target, actor,
        ack.status().isResult() ? "result" : "edge_acknowledged", ack.status().isResult() ? json : null);
    // The edge's ack may overtake the broker's PUBACK: the command was sent, so record that first,
    // and every history reads accepted, (queued,) sent, delivered, ...
    Transition sent = new Transition(record.commandId(), Set.of(CommandStatus.ACCEPTED, CommandStatus.QUEUED),
        CommandStatus.SENT, "cloud", "implied_by_ack", null);
    return writer.submit(record.edgeId(), h -> new Moves(CommandStore.apply(h, sent), CommandStore.apply(h, move)))
        .thenCompose(moves -> {
          if (moves.sent()) {
            sink.publish(new StatusChange(record.principal(), CommandStatusEvent.of(record.commandId(), record.edgeId(),
                CommandStatus.SENT, clock.instant())));
          }
          if (moves.acked()) {
            AUDIT.info("Command {} commandId={} edgeId={}", target.wire(), record.commandId(), record.edgeId());
            sink.publish(new StatusChange(record.principal(), event(record, ack, target, null)));
            delivery.release(record.edgeId(), record.commandId());
            return CompletableFuture.completedFuture(null);
          }
          return ack.status().isResult() ? keepIfLate(record, ack, json, actor) : CompletableFuture.completedFuture(null);
        });
  }

  /** Which of the two guarded moves of an ack took place. */
  private record Moves(boolean sent, boolean acked) {}

  private CompletableFuture<?> keepIfLate(CommandRecord record, Ack ack, JsonNode json, String actor) {
    return writer.submit(record.edgeId(), h -> CommandStore.recordLateResult(h, record.commandId(), json, actor)).thenAccept(kept -> {
      if (kept) {
        AUDIT.info("Late result kept beside the timeout commandId={} edgeId={} status={}", record.commandId(),
            record.edgeId(), ack.status().wire());
        sink.publish(new StatusChange(record.principal(), event(record, ack, ack.status().commandStatus(), true)));
      } else {
        LOG.debug("Duplicate ack ignored commandId={} status={}", record.commandId(), ack.status().wire());
      }
    });
  }

  private CommandStatusEvent event(CommandRecord record, Ack ack, CommandStatus status, Boolean late) {
    return new CommandStatusEvent(CommandStatusEvent.TYPE, record.commandId(), record.edgeId(), status,
        ack.executedAt() != null ? ack.executedAt() : clock.instant(), ack.error(), ack.appliedValue(), ack.limitedBy(),
        record.expiresAt(), late);
  }

  /** The payload as JSON; empty when it is not JSON. */
  static Optional<JsonNode> parse(byte[] payload) {
    try {
      return Optional.ofNullable(Json.mapper().readTree(payload));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
