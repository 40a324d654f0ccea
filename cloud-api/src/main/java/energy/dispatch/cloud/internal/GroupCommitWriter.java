package energy.dispatch.cloud.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record's writer: callers hand in small write operations, a writer thread runs as many as
 * are waiting (up to {@link #MAX_BATCH}) in one transaction, and each caller's future completes
 * only when that transaction has committed. Many commands thus share one commit (group commit)
 * and nobody is answered before their write is durable. Writes are spread over a few lanes, each
 * a thread with its own connection, by their ordering key, so the writes of one key (an edge)
 * always commit in submission order while different edges commit in parallel.
 *
 * <p>Operations must not throw for expected outcomes (use {@code ON CONFLICT} and guarded updates);
 * if a batch fails anyway, its operations are retried one per transaction so one bad operation
 * fails only its own caller. Each lane's queue is bounded: when full, {@link #submit} fails at once
 * with {@link RejectedExecutionException}. Thread-safe.
 */
public final class GroupCommitWriter implements AutoCloseable {

  public static final int MAX_BATCH = 512;
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  private final List<Lane> lanes = new ArrayList<>();
  private final StripedExecutor completions;
  private volatile boolean running = true;

  /**
   * @param lanes writer threads, each holding one database connection while it commits
   * @param queueCapacity writes waiting per lane before submissions are refused
   * @param completions runs the callers' continuations, so that none of them ever holds up a
   *     writer thread; those of one ordering key run one at a time in commit order
   */
  public GroupCommitWriter(Jdbi jdbi, int lanes, int queueCapacity, StripedExecutor completions) {
    this.completions = completions;
    for (int i = 0; i < lanes; i++) {
      this.lanes.add(new Lane(jdbi, queueCapacity, "dispatch-group-commit-" + i));
    }
  }

  /**
   * Queues a write; the future completes after its transaction commits, or fails with its error.
   * Writes with the same {@code orderingKey} (an edge id) commit and complete in submission order.
   */
  public <T> CompletableFuture<T> submit(String orderingKey, Function<Handle, T> write) {
    Op<T> op = new Op<>(orderingKey, write, new CompletableFuture<>());
    Lane lane = lanes.get(Math.floorMod(orderingKey.hashCode(), lanes.size()));
    if (!running || !lane.queue.offer(op)) {
      op.done.completeExceptionally(new RejectedExecutionException(running
          ? "the record writer is saturated (" + lane.queue.size() + " writes waiting)" : "the record writer is stopped"));
    }
    return op.done;
  }

  @Override
  public void close() {
    running = false;
    lanes.forEach(Lane::stop);
  }

  /** One writer thread with its queue. */
  private final class Lane {
    private final Jdbi jdbi;
    private final BlockingQueue<Op<?>> queue;
    private final Thread thread;

    Lane(Jdbi jdbi, int queueCapacity, String name) {
      this.jdbi = jdbi;
      this.queue = new ArrayBlockingQueue<>(queueCapacity);
      this.thread = new Thread(this::run, name);
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      List<Op<?>> batch = new ArrayList<>(MAX_BATCH);
      while (running || !queue.isEmpty()) {
        try {
          Op<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
          commit(batch);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          batch.clear();
        }
      }
    }

    private void commit(List<Op<?>> batch) {
      List<Runnable> committed = new ArrayList<>(batch.size());
      try {
        jdbi.useTransaction(handle -> {
          for (Op<?> op : batch) {
            committed.add(op.apply(handle));
          }
        });
        for (int i = 0; i < batch.size(); i++) {
          completions.execute(batch.get(i).orderingKey, committed.get(i));
        }
      } catch (RuntimeException batchFailure) {
        if (batch.size() == 1) {
          Op<?> only = batch.get(0);
          completions.execute(only.orderingKey, () -> only.done.completeExceptionally(batchFailure));
          return;
        }
        LOG.warn("A batch of {} writes failed; retrying each alone", batch.size(), batchFailure);
        for (Op<?> op : batch) {
          commit(List.of(op));
        }
      }
    }

    void stop() {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Op<?> left;
      while ((left = queue.poll()) != null) {
        left.done.completeExceptionally(new RejectedExecutionException("the record writer stopped"));
      }
    }
  }

  private record Op<T>(String orderingKey, Function<Handle, T> write, CompletableFuture<T> done) {
    /** Runs the write inside the open transaction and returns how to complete the caller after commit. */
    Runnable apply(Handle handle) {
      T value = write.apply(handle);
      return () -> done.complete(value);
    }
  }
}
