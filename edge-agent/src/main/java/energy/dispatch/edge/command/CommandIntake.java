package energy.dispatch.edge.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.edge.FaultPoints;
import energy.dispatch.edge.journal.JournalEntry;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandValidator;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Priority;
import energy.dispatch.schema.SchemaValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a command message from the link and decides its fate before the MQTT message is
 * acknowledged: a redelivery gets its recorded answer, a late, invalid or unqueueable command its
 * refusal, and a good one is journaled, answered {@code delivered} and queued for the Core Cycle.
 * When {@link #accept} returns, everything it decided is durable. Call from one thread.
 */
public final class CommandIntake {

  private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);
  private static final Pattern COMMAND_ID = Pattern.compile("^[A-Za-z0-9_.:-]{1,128}$");

  private final String edgeId;
  private final CommandLedger ledger;
  private final CommandQueue queue;
  private final CommandValidator validator = new CommandValidator();
  private final Supplier<CapabilityConfig> config;
  private final Clock clock;
  private final MonotonicClock monotonic;
  private final boolean clockSynchronized;
  private final Runnable emergencyArrived;

  public CommandIntake(
      String edgeId,
      CommandLedger ledger,
      CommandQueue queue,
      Supplier<CapabilityConfig> config,
      Clock clock,
      MonotonicClock monotonic,
      boolean clockSynchronized,
      Runnable emergencyArrived) {
    this.edgeId = edgeId;
    this.ledger = ledger;
    this.queue = queue;
    this.config = config;
    this.clock = clock;
    this.monotonic = monotonic;
    this.clockSynchronized = clockSynchronized;
    this.emergencyArrived = emergencyArrived;
  }

  /**
   * Handles one command message.
   *
   * @param messageExpirySec what remained of the MQTT message expiry interval on receipt, if set
   * @param receivedNanos when it arrived, on the monotonic clock
   */
  public void accept(byte[] payload, OptionalLong messageExpirySec, long receivedNanos) {
    FaultPoints.reached(FaultPoints.AFTER_RECEIPT);
    String text = new String(payload, StandardCharsets.UTF_8);
    Optional<JsonNode> tree = parse(text);
    Optional<String> commandId = tree.flatMap(CommandIntake::commandId);
    if (commandId.isEmpty()) {
      LOG.warn("Command message without a usable command_id dropped edgeId={} bytes={}", edgeId, payload.length);
      return;
    }
    Optional<JournalEntry> known = ledger.journal().find(commandId.get());
    if (known.isPresent()) {
      answerRedelivery(known.get());
      return;
    }
    admit(commandId.get(), text, tree.get(), messageExpirySec, receivedNanos);
  }

  /**
   * Puts a command recovered from the journal back in the queue, in its original arrival order
   * ({@code seq}); it was answered {@code delivered} before.
   */
  public void requeue(long seq, Command command) {
    enqueue(new QueuedCommand(seq, command, Deadline.recovered(command)));
  }

  private void admit(String commandId, String text, JsonNode tree, OptionalLong messageExpirySec, long receivedNanos) {
    List<String> violations = SchemaValidator.instance().violations(SchemaValidator.Schema.COMMAND, tree);
    if (!violations.isEmpty()) {
      ledger.answered(commandId, text, rejected(commandId, ErrorCode.SCHEMA_VIOLATION,
          "the command does not match command.schema.json: " + String.join("; ", violations)));
      return;
    }
    Command command = toCommand(tree);
    Optional<Ack> refusal = refusal(command, Deadline.of(command, messageExpirySec, receivedNanos, clockSynchronized));
    if (refusal.isPresent()) {
      ledger.answered(commandId, text, refusal.get());
      return;
    }
    long seq = ledger.delivered(commandId, text);
    enqueue(new QueuedCommand(seq, command, Deadline.of(command, messageExpirySec, receivedNanos, clockSynchronized)));
  }

  private Optional<Ack> refusal(Command command, Deadline deadline) {
    String commandId = command.commandId();
    if (!edgeId.equals(command.edgeId())) {
      return Optional.of(rejected(commandId, ErrorCode.UNKNOWN_EDGE,
          "the command targets edge " + command.edgeId() + " but reached edge " + edgeId));
    }
    if (deadline.passed(clock.instant(), monotonic.nanos())) {
      return Optional.of(Ack.of(commandId, AckStatus.EXPIRED, clock.instant(),
          ErrorDetail.of(ErrorCode.DEADLINE_PASSED, "the command expired before it reached the edge")));
    }
    Optional<ErrorDetail> invalid = validator.validate(command, config.get());
    if (invalid.isPresent()) {
      return Optional.of(Ack.of(commandId, AckStatus.REJECTED, clock.instant(), invalid.get()));
    }
    if (queue.full(command.priority())) {
      return Optional.of(rejected(commandId, ErrorCode.QUEUE_FULL,
          "the edge's command queue is full; retry later or with a higher priority"));
    }
    return Optional.empty();
  }

  private void enqueue(QueuedCommand queued) {
    // The capacity was checked before the command was journaled; only a recovery (which runs once,
    // before the cycle) offers from another thread, so a refusal here is rare and still answered.
    CommandQueue.Admission admission = queue.offer(queued);
    String commandId = queued.commandId();
    switch (admission.outcome()) {
      case FULL -> ledger.result(rejected(commandId, ErrorCode.QUEUE_FULL, "the edge's command queue is full"));
      case STALE -> ledger.result(Ack.of(commandId, AckStatus.SUPERSEDED, clock.instant(), ErrorDetail.of(
          ErrorCode.SUPERSEDED_BY_NEWER, "a newer setpoint to the same channel is already queued")));
      case QUEUED -> {
        supersede(admission.superseded(), commandId);
        if (queued.command().priority() == Priority.EMERGENCY) {
          emergencyArrived.run();
        }
      }
    }
  }

  private void supersede(List<QueuedCommand> superseded, String newerId) {
    for (QueuedCommand older : superseded) {
      ledger.result(Ack.of(older.commandId(), AckStatus.SUPERSEDED, clock.instant(),
          ErrorDetail.of(ErrorCode.SUPERSEDED_BY_NEWER, "command " + newerId + " to the same channel superseded it")));
    }
  }

  private void answerRedelivery(JournalEntry entry) {
    if (entry.result().isPresent()) {
      LOG.info("Redelivered command answered with its recorded result commandId={}", entry.commandId());
      ledger.resend(entry.result().get());
    } else if (!entry.intentRecorded()) {
      ledger.resend(Ack.delivered(entry.commandId()));
    }
    // An intent without result is executing now, or is answered by the recovery at start.
  }

  private Ack rejected(String commandId, ErrorCode code, String message) {
    return Ack.of(commandId, AckStatus.REJECTED, clock.instant(), ErrorDetail.of(code, message));
  }

  private static Optional<JsonNode> parse(String text) {
    try {
      JsonNode tree = Json.mapper().readTree(text);
      return tree != null && tree.isObject() ? Optional.of(tree) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> commandId(JsonNode tree) {
    JsonNode id = tree.get("command_id");
    return id != null && id.isTextual() && COMMAND_ID.matcher(id.asText()).matches()
        ? Optional.of(id.asText()) : Optional.empty();
  }

  /** Parses a journaled or received payload that passed schema validation. */
  public static Command toCommand(JsonNode tree) {
    try {
      return Json.mapper().treeToValue(tree, Command.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("schema-valid command does not map: " + e.getOriginalMessage(), e);
    }
  }

  public static Command toCommand(String payload) {
    try {
      return toCommand(Json.mapper().readTree(payload));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("journaled command is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
