package energy.dispatch.launcher.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * One part of the system (broker, cloud, edge) as its own JVM: {@code java -cp <this JVM's test
 * class path> energy.dispatch.launcher.Dispatch <part> ...} with the environment the test sets. It
 * is ready when its readiness line appears on stdout; everything it prints goes to a log file
 * under {@code target/fault-logs}, appended across restarts. It can be killed with SIGKILL,
 * stopped with SIGTERM, and started again with the same arguments and data. Not thread-safe: one
 * test drives it.
 */
final class PartProcess implements AutoCloseable {

  static final Duration READY_WAIT = Duration.ofSeconds(90);
  /** Flags that make a short-lived JVM start fast on a small machine. */
  private static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-Xss512k", "-Djava.awt.headless=true");
  static final List<String> SERVER_HEAP = List.of("-Xmx512m");
  static final List<String> EDGE_HEAP = List.of("-Xmx128m");

  private final String name;
  private final List<String> arguments;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final Pattern readyLine;
  private final Path logFile;
  private final List<String> jvmOptions;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private Process process;
  private CompletableFuture<String> ready;
  private int starts;

  /**
   * @param name a short name for logs and the log file ({@code edge-site1})
   * @param arguments the arguments of {@code Dispatch} ({@code edge --edge-id ...})
   * @param readyLine a line on stdout that says the part is up
   */
  PartProcess(String name, List<String> arguments, Map<String, String> environment, Pattern readyLine,
      Path logFolder, List<String> jvmOptions) {
    this.name = name;
    this.arguments = List.copyOf(arguments);
    this.environment.putAll(environment);
    this.readyLine = readyLine;
    this.logFile = logFolder.resolve(name + ".log");
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  /** Sets (or with {@code null} removes) a variable for the next start. */
  PartProcess environment(String variable, String value) {
    if (value == null) {
      environment.remove(variable);
    } else {
      environment.put(variable, value);
    }
    return this;
  }

  /** Starts the JVM and waits for its readiness line. */
  PartProcess start() {
    launch();
    awaitReady();
    return this;
  }

  /** Starts the JVM without waiting: for a part that may halt before it is ready. */
  PartProcess launch() {
    if (alive()) {
      throw new IllegalStateException(name + " is running already");
    }
    starts++;
    ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(variable -> variable.startsWith("DISPATCH_")
        || variable.equals("DATABASE_URL") || variable.equals("REDIS_URL"));
    builder.environment().putAll(environment);
    ready = new CompletableFuture<>();
    try {
      Files.createDirectories(logFile.getParent());
      process = builder.start();
      STARTED.removeIf(started -> !started.isAlive());
      STARTED.add(process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    Thread pump = new Thread(() -> pump(process, ready, starts), "output-" + name);
    pump.setDaemon(true);
    pump.start();
    return this;
  }

  /** Waits for the readiness line of the current start; fails with the end of the log if the JVM died first. */
  void awaitReady() {
    try {
      ready.get(READY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(name + " did not become ready (" + e.getMessage() + "); its output ends:\n"
          + tail(40), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  void kill() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(30));
    }
  }

  /**
   * SIGSTOP: the JVM halts where it is and its sockets stay open and silent, as a hung host's do;
   * no FIN, no reset, no DISCONNECT reaches the peer.
   */
  void freeze() {
    signal("STOP");
  }

  /** SIGCONT: a frozen JVM runs on from where it halted. */
  void thaw() {
    signal("CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("could not send SIG" + signal + " to " + name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill for " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted signalling " + name, e);
    }
  }

  /** SIGTERM: the part's shutdown hook closes it cleanly. */
  void terminate() {
    if (process != null) {
      process.destroy();
      if (!waitFor(Duration.ofSeconds(30))) {
        kill();
      }
    }
  }

  /** Kills (SIGKILL) and starts again with the same arguments, environment and data. */
  PartProcess restart() {
    kill();
    return start();
  }

  /** Waits until the JVM ended by itself (a fault-point halt) and returns its exit code. */
  int awaitExit(Duration timeout) {
    if (!waitFor(timeout)) {
      throw new IllegalStateException(name + " still runs after " + timeout + "; its output ends:\n" + tail(20));
    }
    return process.exitValue();
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Every line the part printed, across its starts. */
  List<String> output() {
    return List.copyOf(output);
  }

  boolean printed(Pattern line) {
    return output.stream().anyMatch(text -> line.matcher(text).find());
  }

  String tail(int lines) {
    List<String> all = output();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  private List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(testClassPath());
    command.add("energy.dispatch.launcher.Dispatch");
    command.addAll(arguments);
    return command;
  }

  private static volatile String classPath;
  /** Every part started by this JVM, killed when it exits, so that no part outlives an aborted run. */
  private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly),
        "kill-started-parts"));
  }

  /** Surefire runs tests from a manifest-only jar; the real class path is in its own property. */
  static String testClassPath() {
    String chosen = classPath;
    return chosen != null ? chosen
        : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * Copies the project's own jars and the class folders of the class path into {@code folder} and
   * starts every part from the copies, so that a long run survives a rebuild meanwhile.
   */
  static void snapshotClassPath(Path folder) throws IOException {
    List<String> entries = new ArrayList<>();
    Files.createDirectories(folder);
    for (String entry : testClassPath().split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (entry.endsWith(".jar") && entry.contains("energy" + java.io.File.separator + "dispatch")) {
        Path copy = folder.resolve(path.getFileName());
        Files.copy(path, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        entries.add(copy.toString());
      } else if (Files.isDirectory(path)) {
        Path copy = folder.resolve("dir" + entries.size());
        copyTree(path, copy);
        entries.add(copy.toString());
      } else {
        entries.add(entry);
      }
    }
    classPath = String.join(java.io.File.pathSeparator, entries);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private void pump(Process running, CompletableFuture<String> readiness, int start) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(running.getInputStream(),
        StandardCharsets.UTF_8));
        Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND)) {
      log.write("==== " + LocalTime.now() + " start #" + start + " of " + name + " pid=" + running.pid() + "\n");
      log.flush();
      String line;
      while ((line = lines.readLine()) != null) {
        output.add(line);
        log.write(line);
        log.write('\n');
        log.flush();
        if (!readiness.isDone() && readyLine.matcher(line).find()) {
          readiness.complete(line);
        }
      }
      log.write("==== " + LocalTime.now() + " " + name + " ended\n");
    } catch (IOException e) {
      readiness.completeExceptionally(e);
    } finally {
      readiness.completeExceptionally(new IllegalStateException(name + " exited before its readiness line"));
    }
  }

  @Override
  public void close() {
    kill();
  }

  @Override
  public String toString() {
    return name + (alive() ? " (pid " + process.pid() + ")" : " (stopped)");
  }
}
