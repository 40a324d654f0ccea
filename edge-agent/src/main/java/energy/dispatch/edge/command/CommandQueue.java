package energy.dispatch.edge.command;

import energy.dispatch.schema.CommandType;
import energy.dispatch.schema.Priority;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The Core Cycle's bounded queue: higher priority first, arrival order within a priority. A newer
 * setpoint to a device channel supersedes the queued ones for that channel, whatever their
 * priority. Emergency commands may use a small reserve above the capacity so that a queue full of
 * routine work never blocks them. Thread-safe.
 */
public final class CommandQueue {

  /** Places kept for emergency commands beyond the capacity. */
  static final int EMERGENCY_RESERVE = 10;

  private static final Comparator<QueuedCommand> ORDER = Comparator
      .comparingInt((QueuedCommand queued) -> -queued.command().priority().rank())
      .thenComparingLong(QueuedCommand::seq);

  private final int capacity;
  private final PriorityQueue<QueuedCommand> queue = new PriorityQueue<>(ORDER);

  public CommandQueue(int capacity) {
    this.capacity = capacity;
  }

  /** What became of an offered command. */
  public enum Outcome {
    QUEUED,
    /** Refused: the queue is full. */
    FULL,
    /** Not queued: a setpoint to the same channel that arrived later is already queued. */
    STALE
  }

  /** The outcome of an offer, and the queued commands it superseded. */
  public record Admission(Outcome outcome, List<QueuedCommand> superseded) {
    public boolean accepted() {
      return outcome == Outcome.QUEUED;
    }
  }

  /**
   * Queues a command unless the queue is full; it supersedes queued setpoints to the same channel
   * that arrived before it ({@code seq}), and is itself stale when one that arrived after it waits.
   */
  public synchronized Admission offer(QueuedCommand command) {
    if (queue.stream().anyMatch(queued -> queued.commandId().equals(command.commandId()))) {
      // Already waiting (e.g. recovered and redelivered): one entry, so one execution.
      return new Admission(Outcome.QUEUED, List.of());
    }
    List<QueuedCommand> sameChannel = sameChannel(command);
    if (sameChannel.stream().anyMatch(queued -> queued.seq() > command.seq())) {
      return new Admission(Outcome.STALE, List.of());
    }
    int limit = command.command().priority() == Priority.EMERGENCY ? capacity + EMERGENCY_RESERVE : capacity;
    if (queue.size() - sameChannel.size() >= limit) {
      return new Admission(Outcome.FULL, List.of());
    }
    queue.removeAll(sameChannel);
    queue.add(command);
    return new Admission(Outcome.QUEUED, sameChannel);
  }

  /** Whether an offer of this priority would be refused as things stand. */
  public synchronized boolean full(Priority priority) {
    int limit = priority == Priority.EMERGENCY ? capacity + EMERGENCY_RESERVE : capacity;
    return queue.size() >= limit;
  }

  /** The next command to apply, if any. */
  public synchronized Optional<QueuedCommand> poll() {
    return Optional.ofNullable(queue.poll());
  }

  /** The next command if it is an emergency one: those are applied at once, between cycles. */
  public synchronized Optional<QueuedCommand> pollEmergency() {
    QueuedCommand head = queue.peek();
    boolean emergency = head != null && head.command().priority() == Priority.EMERGENCY;
    return emergency ? Optional.of(queue.poll()) : Optional.empty();
  }

  public synchronized int depth() {
    return queue.size();
  }

  /** Takes everything out, e.g. when the agent stops; the journal still has them. */
  public synchronized List<QueuedCommand> drain() {
    List<QueuedCommand> all = new ArrayList<>(queue);
    all.sort(ORDER);
    queue.clear();
    return all;
  }

  private List<QueuedCommand> sameChannel(QueuedCommand offered) {
    String channelKey = offered.channelKey();
    if (offered.command().commandType() != CommandType.SETPOINT || channelKey == null) {
      return List.of();
    }
    List<QueuedCommand> same = new ArrayList<>();
    for (QueuedCommand queued : queue) {
      if (queued.command().commandType() == CommandType.SETPOINT && channelKey.equals(queued.channelKey())) {
        same.add(queued);
      }
    }
    return same;
  }
}
