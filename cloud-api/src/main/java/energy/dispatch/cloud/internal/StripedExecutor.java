package energy.dispatch.cloud.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks of one key (an edge id) one at a time and in order, tasks of different keys in
 * parallel over a fixed number of threads. Thread-safe.
 */
public final class StripedExecutor implements AutoCloseable {

  private final List<ExecutorService> stripes = new ArrayList<>();

  public StripedExecutor(int threads, String name) {
    for (int i = 0; i < threads; i++) {
      String threadName = name + "-" + i;
      stripes.add(Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, threadName);
        thread.setDaemon(true);
        return thread;
      }));
    }
  }

  public void execute(String key, Runnable task) {
    stripes.get(Math.floorMod(key.hashCode(), stripes.size())).execute(task);
  }

  @Override
  public void close() {
    stripes.forEach(ExecutorService::shutdown);
    for (ExecutorService stripe : stripes) {
      try {
        stripe.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
