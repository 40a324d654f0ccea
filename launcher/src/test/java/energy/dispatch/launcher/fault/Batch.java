package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.launcher.fault.FaultSystem.EdgeSite;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Commands a test sends to one site, and the device writes they cause, counted by the simulator
 * on each {@link WritableChannel}'s register (no controller writes those). A channel's writes
 * since the batch first used it must equal the number of its commands that executed: with one
 * command per channel that is exact per command; with several (a superseded one and its
 * successor), every command that did not execute wrote nothing, so the executed one wrote once.
 * Not thread-safe.
 */
final class Batch {

  static final Duration SETTLE = Duration.ofSeconds(90);

  private final EdgeSite site;
  private final CommandAudit audit;
  private final Map<String, WritableChannel> channels = new LinkedHashMap<>();
  private final Map<WritableChannel, Integer> writesBefore = new LinkedHashMap<>();

  Batch(EdgeSite site, CommandAudit audit) {
    this.site = site;
    this.audit = audit;
  }

  /** A setpoint to {@code channel} with a value of its own, expiring in {@code expirySeconds}. */
  ObjectNode setpoint(String commandId, WritableChannel channel, int expirySeconds) {
    channels.put(commandId, channel);
    writesBefore.computeIfAbsent(channel, c -> c.writes(site.simulator()));
    return channel.setpoint(commandId, site.edgeId(), channel.value(commandId.hashCode()), expirySeconds);
  }

  List<String> commandIds() {
    return List.copyOf(channels.keySet());
  }

  /** Waits for the command's terminal state and asserts that it is sound and is {@code status}. */
  CommandAudit.Record assertEnds(String commandId, String status) {
    audit.awaitTerminal(commandId, SETTLE);
    CommandAudit.Record record = audit.assertSound(commandId);
    assertThat(record.status()).as("%s", record).isEqualTo(status);
    return record;
  }

  /** Once every command is terminal: each channel was written exactly as often as its commands executed. */
  void assertWritesMatchOutcomes() {
    writesBefore.forEach((channel, before) -> {
      List<CommandAudit.Record> records = channels.entrySet().stream().filter(entry -> entry.getValue() == channel)
          .map(entry -> audit.awaitTerminal(entry.getKey(), SETTLE)).toList();
      long executed = records.stream().filter(record -> "executed".equals(record.outcome())).count();
      assertThat(channel.writes(site.simulator()) - before).as("device writes on %s by %s", channel, records)
          .isEqualTo((int) executed);
    });
  }

  /** Every command of the batch ends executed, each written exactly once. */
  void assertAllExecutedOnce() {
    commandIds().forEach(commandId -> assertEnds(commandId, "executed"));
    assertWritesMatchOutcomes();
  }
}
