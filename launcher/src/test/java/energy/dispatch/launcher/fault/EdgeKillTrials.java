package energy.dispatch.launcher.fault;

import static org.awaitility.Awaitility.await;

import energy.dispatch.edge.FaultPoints;
import energy.dispatch.launcher.fault.FaultSystem.EdgeSite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Kill trials of one edge agent process: in each, the agent gets one to three setpoints (each to
 * its own channel, so every device write is attributable) and dies at a point drawn from a seeded
 * random source, either a named {@link FaultPoints} point at its Nth passage or a SIGKILL from
 * outside after a random delay; then it starts again without the fault. A trial records for every
 * command its terminal state and how often the device was written, and any broken invariant.
 *
 * <p>{@link #main} is the long run (a benchmark, not a test): at least 100 trials, counts written
 * to {@code bench-results/edge-kill-trials.json}. {@code EdgeKillTest} runs a few seeded trials in
 * every build. Not thread-safe.
 */
final class EdgeKillTrials {

  static final Duration SETTLE = Duration.ofSeconds(90);
  static final List<String> POINTS = List.of(FaultPoints.AFTER_RECEIPT, FaultPoints.AFTER_INTENT,
      FaultPoints.AFTER_DEVICE_WRITE, FaultPoints.BEFORE_ACK, "sigkill");

  private final EdgeSite site;
  private final CloudClient api;
  private final CommandAudit audit;
  private final Map<WritableChannel, Integer> uses = new EnumMap<>(WritableChannel.class);

  EdgeKillTrials(EdgeSite site, CloudClient api, CommandAudit audit) {
    this.site = site;
    this.api = api;
    this.audit = audit;
  }

  /** What a trial does: where the agent dies, and how many commands it has. */
  record Trial(int number, String point, int timesReached, long killDelayMillis, List<WritableChannel> channels) {
    static Trial draw(Random random, int number) {
      String point = POINTS.get(random.nextInt(POINTS.size()));
      List<WritableChannel> channels = new ArrayList<>(Arrays.asList(WritableChannel.values()));
      Collections.shuffle(channels, random);
      int commands = 1 + random.nextInt(channels.size());
      // Each command passes a point once, before_ack twice (delivered, then its result).
      int passages = FaultPoints.BEFORE_ACK.equals(point) ? 2 * commands : commands;
      return new Trial(number, point, 1 + random.nextInt(passages), random.nextInt(2_000),
          List.copyOf(channels.subList(0, commands)));
    }

    boolean external() {
      return "sigkill".equals(point);
    }
  }

  /** One command's end: its state, the code of its error, and the device writes it caused. */
  record Outcome(String commandId, WritableChannel channel, String status, String errorCode, int writes) {}

  /** What happened in a trial; {@code violations} empty when every invariant held. */
  record Result(Trial trial, boolean died, List<Outcome> outcomes, List<String> violations) {}

  Result run(Trial trial) {
    Map<String, WritableChannel> commands = new LinkedHashMap<>();
    Map<WritableChannel, Integer> writesBefore = new LinkedHashMap<>();
    for (WritableChannel channel : trial.channels()) {
      commands.put("trial-" + trial.number() + "-" + channel.name().toLowerCase(), channel);
      writesBefore.put(channel, channel.writes(site.simulator()));
    }
    List<String> violations = new ArrayList<>();
    boolean died = killDuring(trial, commands, violations);
    site.agent().environment(FaultPoints.HALT_AT_SETTING, null).environment(FaultPoints.HALT_AFTER_N_SETTING, null)
        .start();
    List<Outcome> outcomes = new ArrayList<>();
    commands.forEach((commandId, channel) -> outcomes.add(settle(commandId, channel, writesBefore.get(channel),
        violations)));
    site.agent().terminate();
    return new Result(trial, died, outcomes, violations);
  }

  /** Starts the agent armed, submits, and returns once it died (or, when the point never came, was killed). */
  private boolean killDuring(Trial trial, Map<String, WritableChannel> commands, List<String> violations) {
    PartProcess agent = site.agent();
    if (!trial.external()) {
      agent.environment(FaultPoints.HALT_AT_SETTING, trial.point())
          .environment(FaultPoints.HALT_AFTER_N_SETTING, Integer.toString(trial.timesReached()));
    }
    agent.start();
    for (Map.Entry<String, WritableChannel> command : commands.entrySet()) {
      int value = nextValue(command.getValue());
      CloudClient.Answer answer = api.submit(command.getValue().setpoint(command.getKey(), site.edgeId(), value, 600));
      if (!answer.accepted()) {
        violations.add(command.getKey() + " was not accepted: " + answer.status() + " " + answer.body());
      }
    }
    if (trial.external()) {
      CompletableFuture.runAsync(agent::kill,
          CompletableFuture.delayedExecutor(trial.killDelayMillis(), TimeUnit.MILLISECONDS)).join();
      return true;
    }
    boolean died = awaitDeathOrSettled(agent, commands.keySet());
    if (died && !agent.printed(Pattern.compile("halting the agent at point=" + trial.point()))) {
      violations.add("the agent died without reaching " + trial.point() + ":\n" + agent.tail(20));
    }
    agent.kill();
    return died;
  }

  /**
   * A value the channel has not had lately: were it what the device already holds, a read-back
   * after a kill between intent and write would find it there and rightly answer executed.
   */
  private int nextValue(WritableChannel channel) {
    return channel.value(uses.merge(channel, 1, Integer::sum));
  }

  private boolean awaitDeathOrSettled(PartProcess agent, Iterable<String> commandIds) {
    try {
      await().atMost(SETTLE).pollInterval(Duration.ofMillis(100))
          .until(() -> !agent.alive() || allTerminal(commandIds));
    } catch (ConditionTimeoutException e) {
      return false;
    }
    return !agent.alive();
  }

  private boolean allTerminal(Iterable<String> commandIds) {
    for (String commandId : commandIds) {
      if (audit.find(commandId).map(record -> !record.terminal()).orElse(true)) {
        return false;
      }
    }
    return true;
  }

  private Outcome settle(String commandId, WritableChannel channel, int writesBefore, List<String> violations) {
    CommandAudit.Record record;
    try {
      record = audit.awaitTerminal(commandId, SETTLE);
    } catch (ConditionTimeoutException e) {
      violations.add(commandId + " did not reach a terminal state: " + audit.find(commandId).orElse(null));
      return new Outcome(commandId, channel, "stuck", "", -1);
    }
    try {
      audit.assertSound(commandId);
    } catch (AssertionError e) {
      violations.add(e.getMessage());
    }
    // Counted once the state is terminal: a write, if any, happened before the result was recorded.
    return judge(record, channel, channel.writes(site.simulator()) - writesBefore, violations);
  }

  private static Outcome judge(CommandAudit.Record record, WritableChannel channel, int writes,
      List<String> violations) {
    String outcome = record.outcome();
    boolean executed = "executed".equals(outcome);
    boolean unknown = "failed".equals(outcome) && "outcome_unknown".equals(record.errorCode());
    if (!executed && !unknown) {
      violations.add(record + ": neither executed nor failed with outcome_unknown");
    }
    if (writes > 1) {
      violations.add(record + ": written " + writes + " times");
    }
    if (executed && writes != 1) {
      violations.add(record + ": executed but written " + writes + " times");
    }
    return new Outcome(record.commandId(), channel, outcome, record.errorCode(), writes);
  }
}
