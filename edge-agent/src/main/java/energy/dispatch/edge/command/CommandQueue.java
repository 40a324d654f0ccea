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

  /** The outcome of an offer: whether the command was queued, and which queued ones it superseded. */
  public record Admission(boolean accepted, List<QueuedCommand> superseded) {
    static Admission full() {
      return new Admission(false, List.of());
    }
  }

  /** Queues a command unless the queue is full; supersedes older setpoints to the same channel. */
  public synchronized Admission offer(QueuedCommand command) {
    List<QueuedCommand> superseded = supersededBy(command);
    int limit = command.command().priority() == Priority.EMERGENCY ? capacity + EMERGENCY_RESERVE : capacity;
    if (queue.size() - superseded.size() >= limit) {
      return Admission.full();
    }
    queue.removeAll(superseded);
    queue.add(command);
    return new Admission(true, superseded);
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
    return head != null && head.command().priority() == Priority.EMERGENCY ? Optional.of(queue.poll()) : Optional.empty();
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

  private List<QueuedCommand> supersededBy(QueuedCommand newer) {
    String channelKey = newer.channelKey();
    if (newer.command().commandType() != CommandType.SETPOINT || channelKey == null) {
      return List.of();
    }
    List<QueuedCommand> older = new ArrayList<>();
    for (QueuedCommand queued : queue) {
      if (queued.command().commandType() == CommandType.SETPOINT && channelKey.equals(queued.channelKey())) {
        older.add(queued);
      }
    }
    return older;
  }
}
