package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.internal.GroupCommitWriter;
import energy.dispatch.cloud.internal.StripedExecutor;
import energy.dispatch.cloud.redis.DeliveryState;
import energy.dispatch.cloud.redis.DeliveryState.Admission;
import energy.dispatch.cloud.redis.DeliveryState.Claimed;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.CommandType;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves accepted commands towards their edges: straight to the broker when the edge is present
 * and its in-flight window has room, else into its outbox, drained when the edge comes back or
 * the window frees up. Everything for one edge runs on one thread, so commands reach the broker in
 * outbox order. A command becomes {@code sent} when the broker acknowledged it; one the broker did
 * not take goes back to the outbox. Thread-safe.
 */
public final class Delivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
  private static final String CLOUD = "cloud";
  /**
   * How long one admission of a command keeps any other (a sweeper's hand-on on another node) from
   * admitting it again; also how long a command a dead node admitted half-way waits to be handed on.
   */
  static final Duration HAND_ON_EXCLUSIVE = Duration.ofSeconds(15);

  private final CommandStore store;
  private final GroupCommitWriter writer;
  private final DeliveryState state;
  private final CommandPublisher publisher;
  private final StatusSink sink;
  private final Clock clock;
  private final int window;
  private final StripedExecutor perEdge = new StripedExecutor(4, "dispatch-delivery");
  /** Commands this node is moving out of {@code accepted} whose move has not committed yet. */
  private final Set<String> inHand = ConcurrentHashMap.newKeySet();

  public Delivery(CommandStore store, GroupCommitWriter writer, DeliveryState state, CommandPublisher publisher,
      StatusSink sink, Clock clock, int window) {
    this.store = store;
    this.writer = writer;
    this.state = state;
    this.publisher = publisher;
    this.sink = sink;
    this.clock = clock;
    this.window = window;
  }

  /** Supersedes older queued setpoints on the same channel, then sends or queues the command. */
  public void admit(CommandRecord record) {
    inHand.add(record.commandId());
    perEdge.execute(record.edgeId(), () -> {
      try {
        admitNow(record);
      } catch (RuntimeException e) {
        inHand.remove(record.commandId());
        LOG.error("Delivery step failed edgeId={}; the sweeper retries from the record", record.edgeId(), e);
      }
    });
  }

  /**
   * True while this node is still handing the command on (its move out of {@code accepted} waits
   * in the writer), so the sweeper must not hand it on a second time.
   */
  public boolean isHandling(String commandId) {
    return inHand.contains(commandId);
  }

  /** Sends what the edge's window allows from its outbox. */
  public void drain(String edgeId) {
    perEdge.execute(edgeId, () -> guarded(edgeId, () -> drainNow(edgeId)));
  }

  /**
   * The edge is back: re-publish what was sent but not delivered, and what was delivered without a
   * result yet (a broker that died after taking the result from the edge loses it; the edge answers
   * the copy with the result in its journal, or not at all while it still runs it), then drain.
   */
  public void edgeOnline(String edgeId) {
    perEdge.execute(edgeId, () -> guarded(edgeId, () -> {
      for (CommandRecord sent : resendable(edgeId)) {
        state.markInFlight(edgeId, sent.commandId());
        LOG.info("Re-publishing an undelivered command commandId={} edgeId={}", sent.commandId(), edgeId);
        republish(sent);
      }
      for (CommandRecord delivered : store.ofEdgeWithStatus(edgeId, CommandStatus.DELIVERED)) {
        LOG.info("Re-publishing a delivered command still without a result commandId={} edgeId={}",
            delivered.commandId(), edgeId);
        republish(delivered);
      }
      drainNow(edgeId);
    }));
  }

  private void republish(CommandRecord record) {
    publish(record).exceptionally(e -> {
      LOG.warn("Re-publish failed commandId={} edgeId={}; the lifecycle timers decide", record.commandId(),
          record.edgeId(), e);
      return null;
    });
  }

  /**
   * The edge's sent commands, each with its delivery timer restarted and the re-send audited in one
   * commit before anything is published again. Waits for that commit on the edge's thread so the
   * re-publishes still reach the broker before what the drain sends next.
   */
  private java.util.List<CommandRecord> resendable(String edgeId) {
    java.util.List<CommandRecord> sent = store.ofEdgeWithStatus(edgeId, CommandStatus.SENT);
    if (sent.isEmpty()) {
      return sent;
    }
    return writer.submit(edgeId, h -> sent.stream().filter(r -> CommandStore.recordResend(h, r.commandId(), CLOUD))
        .toList()).join();
  }

  /** A command left flight (delivered, finished or timed out): frees its place in the window. */
  public void release(String edgeId, String commandId) {
    perEdge.execute(edgeId, () -> guarded(edgeId, () -> {
      state.releaseInFlight(edgeId, commandId);
      drainNow(edgeId);
    }));
  }

  private void admitNow(CommandRecord record) {
    if (record.command().commandType() == CommandType.SETPOINT && record.command().target().channelKey() != null) {
      supersedeQueued(record);
    }
    double score = DeliveryState.score(record.command().priority(), record.submitSeq());
    Admission admission = state.admit(record.edgeId(), record.commandId(), score, window, HAND_ON_EXCLUSIVE);
    if (admission == Admission.HELD) {
      inHand.remove(record.commandId());
      LOG.info("Not handing on commandId={} edgeId={}: another admission of it is under way", record.commandId(),
          record.edgeId());
      return;
    }
    if (admission == Admission.SEND) {
      send(record, score);
      return;
    }
    transition(record, Transition.to(record.commandId(), CommandStatus.QUEUED, CLOUD, "edge_not_ready", null));
    drainNow(record.edgeId());
  }

  private void supersedeQueued(CommandRecord newer) {
    String channelKey = newer.command().target().channelKey();
    // Admissions of one edge run in order on this thread, so an older command is in the outbox by
    // now; only the caller that takes it out of the outbox may move it.
    for (String older : store.waitingOnChannelBefore(newer.edgeId(), channelKey, newer.submitSeq())) {
      if (!state.removeFromOutbox(newer.edgeId(), older)) {
        continue;
      }
      inHand.add(older);
      ErrorDetail error = ErrorDetail.of(ErrorCode.SUPERSEDED_BY_NEWER,
          "superseded by the newer setpoint " + newer.commandId() + " on " + channelKey + " before it was sent");
      Transition move = new Transition(older, Set.of(CommandStatus.ACCEPTED, CommandStatus.QUEUED),
          CommandStatus.SUPERSEDED, CLOUD, ErrorCode.SUPERSEDED_BY_NEWER.wire(), errorResult(error));
      writer.submit(newer.edgeId(), h -> CommandStore.apply(h, move)).whenComplete((moved, failure) -> {
        inHand.remove(older);
        if (failure != null) {
          LOG.error("Could not record commandId={} -> superseded", older, failure);
        } else if (moved) {
          store.find(older).ifPresent(rec -> sink.publish(new StatusChange(rec.principal(), rec.toStatusEvent())));
        }
      });
    }
  }

  private void drainNow(String edgeId) {
    Optional<Claimed> next;
    while ((next = state.claimNext(edgeId, window)).isPresent()) {
      Claimed claimed = next.get();
      Optional<CommandRecord> record = store.find(claimed.commandId());
      if (record.isEmpty() || !record.get().isOpen() || record.get().status() == CommandStatus.SENT
          || record.get().status() == CommandStatus.DELIVERED) {
        state.releaseInFlight(edgeId, claimed.commandId());
        continue;
      }
      send(record.get(), claimed.score());
    }
  }

  /** Publishes a command already counted in flight; on the broker's acknowledgment it is {@code sent}. */
  private void send(CommandRecord record, double score) {
    if (!record.expiresAt().isAfter(clock.instant())) {
      state.releaseInFlight(record.edgeId(), record.commandId());
      expire(record);
      return;
    }
    publish(record).whenComplete((ignored, error) -> {
      if (error == null) {
        transition(record, Transition.to(record.commandId(), CommandStatus.SENT, CLOUD, "published", null));
        return;
      }
      LOG.warn("The broker did not take commandId={} edgeId={}; it waits in the outbox ({})", record.commandId(),
          record.edgeId(), error.getMessage());
      perEdge.execute(record.edgeId(), () -> guarded(record.edgeId(), () -> {
        if (error instanceof EdgeAbsentException || error.getCause() instanceof EdgeAbsentException) {
          state.markAbsent(record.edgeId());
        }
        state.putBack(record.edgeId(), record.commandId(), score);
        transition(record, Transition.to(record.commandId(), CommandStatus.QUEUED, CLOUD, "broker_refused", null));
      }));
    });
  }

  private CompletableFuture<Void> publish(CommandRecord record) {
    long expirySeconds = (Duration.between(clock.instant(), record.expiresAt()).toMillis() + 999) / 1000;
    byte[] json = CommandStore.toJson(record.command()).getBytes(StandardCharsets.UTF_8);
    try {
      return publisher.publish(record.edgeId(), json, expirySeconds);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void expire(CommandRecord record) {
    ErrorDetail error = ErrorDetail.of(ErrorCode.DEADLINE_PASSED, "the deadline " + record.expiresAt()
        + " passed before the command could be sent");
    transition(record, new Transition(record.commandId(), Set.of(CommandStatus.ACCEPTED, CommandStatus.QUEUED),
        CommandStatus.EXPIRED, CLOUD, ErrorCode.DEADLINE_PASSED.wire(), errorResult(error)));
  }

  /** Applies a transition through the writer and, when it moved the command, pushes the new state. */
  private void transition(CommandRecord record, Transition move) {
    writer.submit(record.edgeId(), h -> CommandStore.apply(h, move)).whenComplete((moved, error) -> {
      inHand.remove(record.commandId());
      if (error != null) {
        LOG.error("Could not record commandId={} -> {}; the sweeper will retry from the record", record.commandId(),
            move.to().wire(), error);
      } else if (moved) {
        sink.publish(new StatusChange(record.principal(), statusEvent(record, move)));
      }
    });
  }

  private CommandStatusEvent statusEvent(CommandRecord record, Transition move) {
    ErrorDetail error = CommandRecord.errorOf(move.result());
    return new CommandStatusEvent(CommandStatusEvent.TYPE, record.commandId(), record.edgeId(), move.to(),
        clock.instant(), error, null, null, record.expiresAt(), null);
  }

  static ObjectNode errorResult(ErrorDetail error) {
    ObjectNode result = Json.mapper().createObjectNode();
    result.set("error", Json.mapper().valueToTree(error));
    return result;
  }

  private static void guarded(String edgeId, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      LOG.error("Delivery step failed edgeId={}; the sweeper retries from the record", edgeId, e);
    }
  }

  @Override
  public void close() {
    perEdge.close();
  }
}
