package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.audit.RefusalLog;
import energy.dispatch.cloud.edges.CapabilityStore;
import energy.dispatch.cloud.edges.EdgeRegistry;
import energy.dispatch.cloud.grants.GrantStore;
import energy.dispatch.cloud.internal.GroupCommitWriter;
import energy.dispatch.cloud.ratelimit.Decision;
import energy.dispatch.cloud.ratelimit.RateLimiter;
import energy.dispatch.cloud.redis.DeliveryState;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.CommandType;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The command lifecycle's front door: submission (parse, schema, permission, edge, capability
 * check, idempotency, stamping, the durable record, then delivery), cancel, and reads filtered by
 * what the principal may see. A command is answered {@code accepted} only after its record and
 * audit event committed. Every refusal is audited. Thread-safe.
 */
public final class CommandService {

  private static final Logger AUDIT = LoggerFactory.getLogger("energy.dispatch.cloud.audit");

  private final CloudSettings settings;
  private final GrantStore grants;
  private final EdgeRegistry edges;
  private final CapabilityStore capabilities;
  private final CommandStore store;
  private final GroupCommitWriter writer;
  private final DeliveryState state;
  private final Delivery delivery;
  private final StatusSink sink;
  private final RefusalLog refusals;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final RecentCommands recent;
  private final Set<String> knownEdges = ConcurrentHashMap.newKeySet();

  public CommandService(CloudSettings settings, GrantStore grants, EdgeRegistry edges, CapabilityStore capabilities,
      CommandStore store, GroupCommitWriter writer, DeliveryState state, Delivery delivery, StatusSink sink,
      RefusalLog refusals, RateLimiter rateLimiter, RecentCommands recent, Clock clock) {
    this.settings = settings;
    this.grants = grants;
    this.edges = edges;
    this.capabilities = capabilities;
    this.store = store;
    this.writer = writer;
    this.state = state;
    this.delivery = delivery;
    this.sink = sink;
    this.refusals = refusals;
    this.rateLimiter = rateLimiter;
    this.recent = recent;
    this.clock = clock;
  }

  /**
   * Submits a command as JSON text. Never fails: every problem is a {@link Submission.Refused}
   * with its code. The future completes once the answer is known (after the commit for an
   * accepted one); {@code sent} or {@code queued} follow through the status sink.
   */
  public CompletableFuture<Submission> submit(String principal, String rawJson) {
    Instant now = clock.instant();
    JsonNode json = null;
    try {
      if (rawJson.getBytes(StandardCharsets.UTF_8).length > settings.maxPayloadBytes()) {
        throw new RefusalException(ErrorCode.PAYLOAD_TOO_LARGE, "the command is larger than "
            + settings.maxPayloadBytes() + " bytes");
      }
      json = CommandParser.readJson(rawJson);
      return submit(principal, CommandParser.toCommand(json), now);
    } catch (RefusalException e) {
      String commandId = json == null ? null : CommandParser.textAt(json, "command_id");
      String edgeId = json == null ? null : CommandParser.textAt(json, "target", "edge_id");
      return refuse(principal, commandId, edgeId, e.error(), now);
    }
  }

  private CompletableFuture<Submission> submit(String principal, Command command, Instant now) {
    try {
      authorizeAndCheck(principal, command);
      String fingerprint = Fingerprint.of(command);
      // No read for the id here: the insert finds a taken id (ON CONFLICT) and raced() answers it.
      requireRate(principal, command);
      requireOutboxRoom(command.edgeId());
      CommandRecord draft = stamp(principal, command, fingerprint, now);
      return writer.submit(command.edgeId(), h -> CommandStore.insertAccepted(h, draft))
          .thenCompose(seq -> seq.map(s -> CompletableFuture.completedFuture(accepted(draft, s)))
              .orElseGet(() -> raced(principal, command, fingerprint, now)))
          .handle((submission, error) -> error == null ? CompletableFuture.completedFuture(submission)
              : refuse(principal, command.commandId(), command.edgeId(), storeFailure(error), now))
          .thenCompose(answer -> answer);
    } catch (RefusalException e) {
      return refuse(principal, command.commandId(), command.edgeId(), e.error(), now)
          .thenApply(refused -> withRetryAfter(refused, e.retryAfterSec()));
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(CommandService.class).error("Checking a command failed commandId={} edgeId={}",
          command.commandId(), command.edgeId(), e);
      return refuse(principal, command.commandId(), command.edgeId(),
          ErrorDetail.of(ErrorCode.STORE_UNAVAILABLE, "the command could not be checked against the record; it was "
              + "not accepted, retry later"), now);
    }
  }

  private void authorizeAndCheck(String principal, Command command) {
    String edgeId = command.edgeId();
    if (!grants.canControl(principal, edgeId)) {
      throw new RefusalException(ErrorCode.FORBIDDEN, principal + " may not control edge '" + edgeId + "'");
    }
    if (!knownEdges.contains(edgeId)) {
      if (!edges.exists(edgeId)) {
        throw new RefusalException(ErrorCode.UNKNOWN_EDGE, "edge '" + edgeId + "' is not registered");
      }
      knownEdges.add(edgeId);
    }
    capabilities.current(edgeId).ifPresent(stored -> CapabilityCheck.check(command, stored.config()));
  }

  /**
   * Counts the command against the principal's and the edge's budgets.
   * TODO: an idempotent resubmission is counted too (its id is recognised only at the insert); a
   *  client retrying in a loop spends its budget on retries.
   */
  private void requireRate(String principal, Command command) {
    Decision decision = rateLimiter.check(principal, command.edgeId(), command.priority());
    if (!decision.isAllowed()) {
      throw new RefusalException(decision.errorCode(), decision.message(),
          decision.isRateLimited() ? decision.retryAfterSeconds() : null);
    }
  }

  private void requireOutboxRoom(String edgeId) {
    long waiting;
    try {
      waiting = state.outboxSize(edgeId);
    } catch (JedisException e) {
      throw new RefusalException(ErrorCode.STORE_UNAVAILABLE,
          "the delivery store (Redis) is unreachable; the command was not accepted, retry later", e);
    }
    if (waiting >= settings.outboxCapacity()) {
      throw new RefusalException(ErrorCode.OUTBOX_FULL, "edge '" + edgeId + "' already has " + waiting
          + " commands waiting (the limit is " + settings.outboxCapacity() + "); retry when it is back online");
    }
  }

  /** The accepted form: the cloud's own acceptance time and deadline, the default hold. */
  private CommandRecord stamp(String principal, Command command, String fingerprint, Instant now) {
    Instant acceptedAt = now.truncatedTo(ChronoUnit.MICROS);
    long expirySeconds = Math.min(command.expirySec() == null ? settings.defaultExpiry().toSeconds() : command.expirySec(),
        settings.maxExpiry().toSeconds());
    Instant expiresAt = acceptedAt.plus(Duration.ofSeconds(expirySeconds));
    Integer holdSec = command.holdSec();
    if (holdSec == null && command.commandType() == CommandType.SETPOINT && !command.isRelease()) {
      holdSec = (int) settings.defaultHold().toSeconds();
    }
    Command stamped = new Command(command.commandId(), command.commandType(), command.target(), command.value(),
        command.unit(), command.priority(), (int) expirySeconds, holdSec, command.durationSec(), command.source(),
        command.timestamp(), acceptedAt, expiresAt);
    return new CommandRecord(stamped, principal, fingerprint, CommandStatus.ACCEPTED, 0, acceptedAt, expiresAt, null,
        null, null, null, null);
  }

  private Submission accepted(CommandRecord draft, long submitSeq) {
    CommandRecord record = new CommandRecord(draft.command(), draft.principal(), draft.fingerprint(),
        CommandStatus.ACCEPTED, submitSeq, draft.acceptedAt(), draft.expiresAt(), null, null, null, null, null);
    AUDIT.info("Command accepted commandId={} edgeId={} principal={} expiresAt={}", record.commandId(),
        record.edgeId(), record.principal(), record.expiresAt());
    recent.remember(record);
    sink.publish(new StatusChange(record.principal(), record.toStatusEvent()));
    delivery.admit(record);
    return new Submission.Accepted(record, false);
  }

  /** The id was taken: by the same command (answered with it) or another one (refused). */
  private CompletableFuture<Submission> raced(String principal, Command command, String fingerprint, Instant now) {
    return store.find(command.commandId())
        .map(existing -> resubmission(principal, command, fingerprint, existing, now))
        .orElseGet(() -> refuse(principal, command.commandId(), command.edgeId(),
            ErrorDetail.of(ErrorCode.STORE_UNAVAILABLE, "the record did not confirm the command; retry"), now));
  }

  private CompletableFuture<Submission> resubmission(String principal, Command command, String fingerprint,
      CommandRecord existing, Instant now) {
    if (existing.principal().equals(principal) && existing.fingerprint().equals(fingerprint)) {
      return CompletableFuture.completedFuture(new Submission.Accepted(existing, true));
    }
    return refuse(principal, command.commandId(), command.edgeId(), ErrorDetail.of(ErrorCode.DUPLICATE_COMMAND_ID,
        "command_id '" + command.commandId() + "' is already in use; choose a new command_id"), now);
  }

  private static ErrorDetail storeFailure(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof RejectedExecutionException) {
      return ErrorDetail.of(ErrorCode.STORE_UNAVAILABLE, "the command record is saturated; the command was not "
          + "accepted, retry shortly");
    }
    LoggerFactory.getLogger(CommandService.class).error("Writing an accepted command failed", cause);
    return ErrorDetail.of(ErrorCode.STORE_UNAVAILABLE, "the database did not confirm the command; it was not "
        + "accepted, retry later");
  }

  /**
   * Refuses something that never reached {@link #submit} (an unauthenticated or unreadable
   * message): audits it like any refusal. {@code principal} may be null.
   */
  public CompletableFuture<Submission> refuseUnread(String principal, String commandId, ErrorDetail error) {
    return refuse(principal, commandId, null, error, clock.instant());
  }

  private static Submission withRetryAfter(Submission submission, Long retryAfterSec) {
    return submission instanceof Submission.Refused refused && retryAfterSec != null
        ? new Submission.Refused(refused.error(), refused.commandId(), refused.edgeId(), refused.at(), retryAfterSec)
        : submission;
  }

  /** Audits the refusal, then answers it (the audit row is committed before the client hears of it). */
  private CompletableFuture<Submission> refuse(String principal, String commandId, String edgeId, ErrorDetail error,
      Instant now) {
    return refusals.record(principal, commandId, edgeId, error, now)
        .thenApply(ignored -> new Submission.Refused(error, commandId, edgeId, now));
  }

  /**
   * Cancels a command still waiting in the cloud. Answers the command's state after the attempt.
   *
   * @throws RefusalException {@code unknown_command} when the principal cannot see it,
   *     {@code forbidden} when it may not control its edge (its submitter included), {@code not_cancellable}
   *     when it left the cloud
   */
  public CompletableFuture<CommandRecord> cancel(String principal, String commandId) {
    CommandRecord record = visible(principal, commandId).orElseThrow(() -> unknownCommand(commandId));
    if (!grants.canControl(principal, record.edgeId())) {
      throw new RefusalException(ErrorCode.FORBIDDEN, principal + " may not control edge '" + record.edgeId() + "'");
    }
    if (record.status() != CommandStatus.QUEUED) {
      throw notCancellable(record);
    }
    if (!state.removeFromOutbox(record.edgeId(), commandId) && state.isInFlight(record.edgeId(), commandId)) {
      throw notCancellable(record);
    }
    Transition move = Transition.to(commandId, CommandStatus.CANCELLED, principal, "cancelled",
        energy.dispatch.schema.Json.mapper().createObjectNode().put("cancelled_by", principal));
    return writer.submit(record.edgeId(), h -> CommandStore.apply(h, move)).thenApply(moved -> {
      CommandRecord now = store.find(commandId).orElse(record);
      if (!moved) {
        throw notCancellable(now);
      }
      AUDIT.info("Command cancelled commandId={} edgeId={} principal={}", commandId, record.edgeId(), principal);
      sink.publish(new StatusChange(now.principal(), now.toStatusEvent()));
      return now;
    });
  }

  private static RefusalException notCancellable(CommandRecord record) {
    String why = switch (record.status()) {
      case SENT, DELIVERED -> "it was already sent to edge '" + record.edgeId() + "' and cannot be recalled";
      case ACCEPTED -> "it is being handed to its edge right now";
      default -> "it is already " + record.status().wire();
    };
    return new RefusalException(ErrorCode.NOT_CANCELLABLE, "command '" + record.commandId() + "' cannot be cancelled: "
        + why);
  }

  private static RefusalException unknownCommand(String commandId) {
    return new RefusalException(ErrorCode.UNKNOWN_COMMAND, "no command '" + commandId + "' that you may see");
  }

  /** The command and its history, if the principal may view its edge (having submitted it is not enough). */
  public Optional<CommandDetails> details(String principal, String commandId) {
    return visible(principal, commandId).map(record -> new CommandDetails(record, store.history(commandId)));
  }

  /** The principal's commands that have not finished and whose edge it may still view, in their current state. */
  public List<CommandStatusEvent> openCommands(String principal) {
    return store.openOf(principal).stream().filter(record -> mayView(principal, record))
        .map(CommandRecord::toStatusEvent).toList();
  }

  /** The newest commands matching the filters that the principal may see. */
  public List<CommandRecord> search(String principal, String edgeId, CommandStatus status, int limit) {
    return store.search(edgeId, status, Math.min(limit, 500)).stream()
        .filter(record -> mayView(principal, record)).toList();
  }

  private Optional<CommandRecord> visible(String principal, String commandId) {
    if (commandId.indexOf('\0') >= 0) {
      return Optional.empty(); // no stored id holds a NUL, and PostgreSQL refuses one as a parameter
    }
    return store.find(commandId).filter(record -> mayView(principal, record));
  }

  /** Asked of the grants only, so a revoked grant hides even the principal's own commands. */
  private boolean mayView(String principal, CommandRecord record) {
    return grants.canView(principal, record.edgeId());
  }
}
