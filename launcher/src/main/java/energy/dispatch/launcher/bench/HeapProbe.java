package energy.dispatch.launcher.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap another JVM keeps alive, read with {@code jcmd}: {@code GC.run} (a full collection),
 * then {@code GC.heap_info}, whose generation lines give what is used after it. jcmd talks to the
 * JVM over its attach socket and loads nothing into it, unlike a JMX agent, whose own objects would
 * count. The parse knows the serial collector's lines ({@code def new generation},
 * {@code tenured generation}), the collector the edge runs with.
 */
final class HeapProbe {

  private static final Pattern GENERATION =
      Pattern.compile("generation\\s+total (\\d+)K, used (\\d+)K");
  private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K");

  /** Heap in use and committed after a full collection, and class metadata, in KB. */
  record Heap(long usedAfterGcKb, long committedKb, long metaspaceKb) {}

  private HeapProbe() {}

  static Heap afterFullGc(long pid) {
    jcmd(pid, "GC.run");
    return parse(jcmd(pid, "GC.heap_info"));
  }

  static Heap parse(String heapInfo) {
    long used = 0;
    long committed = 0;
    Matcher generation = GENERATION.matcher(heapInfo);
    int generations = 0;
    while (generation.find()) {
      committed += Long.parseLong(generation.group(1));
      used += Long.parseLong(generation.group(2));
      generations++;
    }
    if (generations == 0) {
      throw new IllegalStateException("jcmd GC.heap_info shows no serial-collector generation; was the edge"
          + " started with -XX:+UseSerialGC? It printed:\n" + heapInfo);
    }
    Matcher metaspace = METASPACE.matcher(heapInfo);
    return new Heap(used, committed, metaspace.find() ? Long.parseLong(metaspace.group(1)) : -1);
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + jcmd + " (a JDK, not a JRE, runs the benchmark)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running jcmd " + command, e);
    }
  }
}
