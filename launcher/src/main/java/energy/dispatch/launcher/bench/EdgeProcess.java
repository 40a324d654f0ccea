package energy.dispatch.launcher.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The edge agent as its own JVM, started as {@code ./dispatch edge} starts it: the same heap, GC and
 * JIT flags, this JVM's class path, {@code Dispatch edge ...}. Its output goes to a log file; the
 * moment its ready line appears is kept. Not thread-safe: one benchmark drives it.
 */
final class EdgeProcess implements AutoCloseable {

  /** The flags the {@code dispatch} script gives {@code edge}; the budget is measured under them. */
  static final List<String> EDGE_JVM_FLAGS = List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Process process;
  private final long spawnedNanos;
  private final CompletableFuture<Long> readyNanos = new CompletableFuture<>();

  private EdgeProcess(Process process, long spawnedNanos, Path logFile, String readyLine) {
    this.process = process;
    this.spawnedNanos = spawnedNanos;
    Thread pump = new Thread(() -> pump(logFile, readyLine), "edge-output");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code Dispatch} with {@code arguments}; {@code readyLine} is what it prints on stdout
   * once started.
   */
  static EdgeProcess start(List<String> arguments, Path logFile, String readyLine) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(EDGE_JVM_FLAGS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "energy.dispatch.launcher.Dispatch"));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The agent reads nothing of ours from the environment; the secret travels in a file.
    builder.environment().keySet().removeIf(variable -> variable.startsWith("DISPATCH_"));
    try {
      long spawned = System.nanoTime();
      return new EdgeProcess(builder.start(), spawned, logFile, readyLine);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the edge agent JVM", e);
    }
  }

  long pid() {
    return process.pid();
  }

  long spawnedNanos() {
    return spawnedNanos;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** When the ready line appeared (System.nanoTime), waiting at most {@code seconds}. */
  long awaitReadyNanos(int seconds) throws Exception {
    return readyNanos.get(seconds, TimeUnit.SECONDS);
  }

  private void pump(Path logFile, String readyLine) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
        Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!readyNanos.isDone() && line.contains(readyLine)) {
          readyNanos.complete(System.nanoTime());
        }
        log.write(line);
        log.write('\n');
        log.flush();
      }
    } catch (IOException e) {
      readyNanos.completeExceptionally(e);
    } finally {
      readyNanos.completeExceptionally(new IllegalStateException("the edge agent exited before it was ready; see "
          + logFile));
    }
  }

  /** SIGTERM, so the agent closes its journal and says offline; SIGKILL if it has not ended in 10 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
