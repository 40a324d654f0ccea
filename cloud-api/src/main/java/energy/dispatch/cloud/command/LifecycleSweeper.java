package energy.dispatch.cloud.command;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.command.CommandStore.Moved;
import energy.dispatch.cloud.redis.DeliveryState;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.CommandStatusEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of the lifecycle, all claimed atomically against PostgreSQL on its clock so that with
 * several nodes each command moves once: delivery timeouts (every 250 ms), expiry of waiting
 * commands, the end of delivered commands without a result past their deadline plus grace,
 * re-dispatch of commands a dead node accepted but never handed on, and the rebuild of Redis's
 * derived state when Redis restarted empty. Thread-safe.
 */
public final class LifecycleSweeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LifecycleSweeper.class);
  private static final Duration STUCK_AFTER = Duration.ofSeconds(5);

  private final CloudSettings settings;
  private final CommandStore store;
  private final DeliveryState state;
  private final Delivery delivery;
  private final StatusSink sink;
  private final Clock clock;
  private final Runnable presenceRefresh;
  private final Supplier<Duration> brokerConnectedFor;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "dispatch-sweeper");
    thread.setDaemon(true);
    return thread;
  });
  private long ticks;

  /**
   * @param presenceRefresh reads every edge's retained state again
   * @param brokerConnectedFor how long this node's broker connection has lasted
   */
  public LifecycleSweeper(CloudSettings settings, CommandStore store, DeliveryState state, Delivery delivery,
      StatusSink sink, Clock clock, Runnable presenceRefresh, Supplier<Duration> brokerConnectedFor) {
    this.settings = settings;
    this.store = store;
    this.state = state;
    this.delivery = delivery;
    this.sink = sink;
    this.clock = clock;
    this.presenceRefresh = presenceRefresh;
    this.brokerConnectedFor = brokerConnectedFor;
  }

  /** Rebuilds Redis if it is empty, then runs the timers. */
  public void start() {
    // the subscription made at connect just delivered every retained state, so presence needs no refresh
    rebuildIfLost(false);
    timer.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      timeouts();
      if (ticks++ % 4 == 0) {
        everySecond();
      }
    } catch (RuntimeException e) {
      LOG.warn("A sweep failed; retrying on the next tick", e);
    }
  }

  private void timeouts() {
    // An ack sent while no node was connected waits in the broker, and an edge back online has its
    // sent commands re-published with a fresh timer. Until this node has listened for a whole
    // timeout, a sent_at older than that proves nothing against the edge; a node connected all
    // along claims meanwhile.
    if (brokerConnectedFor.get().compareTo(settings.deliveryTimeout()) < 0) {
      return;
    }
    for (Moved moved : store.claimTimeouts(settings.deliveryTimeout())) {
      LOG.warn("Command timed out commandId={} edgeId={}", moved.commandId(), moved.edgeId());
      push(moved);
      delivery.release(moved.edgeId(), moved.commandId());
    }
  }

  private void everySecond() {
    rebuildIfLost(true);
    for (Moved moved : store.expireWaiting()) {
      state.removeFromOutbox(moved.edgeId(), moved.commandId());
      state.releaseInFlight(moved.edgeId(), moved.commandId());
      push(moved);
    }
    for (Moved moved : store.failDeliveredPastGrace(settings.resultGrace())) {
      push(moved);
      delivery.release(moved.edgeId(), moved.commandId());
    }
    for (Moved moved : store.failRestartsPastAnnouncement(settings.resultGrace())) {
      LOG.warn("Restart not back within its announced time commandId={} edgeId={}", moved.commandId(), moved.edgeId());
      push(moved);
      delivery.release(moved.edgeId(), moved.commandId());
    }
    for (CommandRecord stuck : store.stuckAccepted(STUCK_AFTER)) {
      // Still being moved by this node (its queued or superseded waits in the writer): handing it on
      // again would resurrect a superseded setpoint. Another node's admission in progress makes
      // this one HELD in Redis; a command a dead node left half-admitted (in Redis's flight set, never
      // published) is handed on once that admission's exclusivity has lapsed, as nobody else would
      // ever send it. A node stalled longer than that between its commit and its admission can still
      // publish a second time; the edge answers the copy from its journal.
      if (delivery.isHandling(stuck.commandId())) {
        continue;
      }
      LOG.info("Handing on a command accepted but never queued or sent commandId={} edgeId={}", stuck.commandId(),
          stuck.edgeId());
      delivery.admit(stuck);
    }
    // A safety net for a drain trigger lost to a failure (Redis or the broker briefly away).
    // TODO: this asks Redis once per present edge every second; at 10,000 edges keep a set of edges
    //  with a non-empty outbox and drain only those.
    state.presence().forEach((edgeId, online) -> {
      if (online) {
        delivery.drain(edgeId);
      }
    });
  }

  private void push(Moved moved) {
    CommandStatusEvent event = new CommandStatusEvent(CommandStatusEvent.TYPE, moved.commandId(), moved.edgeId(),
        moved.status(), clock.instant(), CommandRecord.errorOf(moved.result()), null, null, null, null);
    sink.publish(new StatusChange(moved.principal(), event));
  }

  /** Redis lost its data (restart without persistence, flush): rebuild outboxes and flight from the record. */
  private void rebuildIfLost(boolean refreshPresence) {
    if (!state.isEpochMissing()) {
      return;
    }
    List<CommandRecord> queued = store.withStatus(CommandStatus.QUEUED);
    List<CommandRecord> sent = store.withStatus(CommandStatus.SENT);
    queued.forEach(r -> state.enqueue(r.edgeId(), r.commandId(), DeliveryState.score(r.command().priority(), r.submitSeq())));
    sent.forEach(r -> state.markInFlight(r.edgeId(), r.commandId()));
    state.markEpoch(settings.nodeId());
    LOG.info("Built the delivery state in Redis from the record queued={} inFlight={}", queued.size(), sent.size());
    if (refreshPresence) {
      presenceRefresh.run();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
