package energy.dispatch.edge.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.state.StateEvents;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Config sync over MQTT: a {@code sync_config} command publishes
 * {@code {"request_id", "current_version"}} on the config request topic; the cloud answers on the
 * config topic with {@code {"request_id", "config"}} or {@code {"request_id", "error"}}. A valid
 * config for this edge is applied between cycles, then saved as the last good one, then the command
 * is acked; an invalid one, or one that fails to apply, is refused and the config in force stays,
 * in memory, in the journal and on disk. Thread-safe.
 */
public final class ConfigSync {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigSync.class);
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final String edgeId;
  private final ConfigStore store;
  private final CommandLedger ledger;
  private final Supplier<CapabilityConfig> current;
  private final ConfigApplier applier;
  private final StateEvents events;
  private final Clock clock;
  private final Map<String, Instant> pending = new ConcurrentHashMap<>();
  private volatile RequestPublisher publisher;

  /** Publishes a config request. */
  @FunctionalInterface
  public interface RequestPublisher {
    void publish(String topic, byte[] payload);
  }

  public ConfigSync(String edgeId, ConfigStore store, CommandLedger ledger, Supplier<CapabilityConfig> current,
      ConfigApplier applier, StateEvents events, Clock clock) {
    this.edgeId = edgeId;
    this.store = store;
    this.ledger = ledger;
    this.current = current;
    this.applier = applier;
    this.events = events;
    this.clock = clock;
  }

  public void attach(RequestPublisher publisher) {
    this.publisher = publisher;
  }

  /** Sends the request of a {@code sync_config} command; its intent is already journaled. */
  public void request(String commandId) {
    pending.put(commandId, clock.instant().plus(ANSWER_TIMEOUT));
    Map<String, Object> request = Map.of("request_id", commandId, "current_version", current.get().version());
    try {
      RequestPublisher target = publisher;
      if (target != null) {
        target.publish(Topics.configRequest(edgeId), Json.mapper().writeValueAsBytes(request));
      }
      LOG.info("Config requested edgeId={} commandId={} currentVersion={}", edgeId, commandId, current.get().version());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("config request cannot be serialised", e);
    }
  }

  /** Fails the requests the cloud left unanswered for too long; called every cycle. */
  public void expire(Instant now) {
    pending.forEach((commandId, deadline) -> {
      if (!now.isBefore(deadline) && pending.remove(commandId) != null) {
        ledger.result(failed(commandId, ErrorCode.NO_ACKNOWLEDGMENT, "the cloud did not answer the config request"
            + " within " + ANSWER_TIMEOUT.toSeconds() + " s; config version " + current.get().version() + " stays"));
      }
    });
  }

  /** An answer or a push on the config topic. */
  public void onMessage(byte[] payload) {
    JsonNode message;
    try {
      message = Json.mapper().readTree(payload);
    } catch (IOException e) {
      LOG.warn("Config message is not JSON edgeId={}; ignored", edgeId);
      return;
    }
    String requestId = message.path("request_id").asText(null);
    boolean answer = requestId != null && pending.remove(requestId) != null;
    if (message.hasNonNull("error")) {
      refusedByCloud(answer ? requestId : null, message.get("error"));
    } else if (message.hasNonNull("config")) {
      offered(answer ? requestId : null, message.get("config"));
    } else {
      LOG.warn("Config message without config or error edgeId={} requestId={}; ignored", edgeId, requestId);
    }
  }

  private void refusedByCloud(String commandId, JsonNode error) {
    LOG.warn("Cloud refused the config request edgeId={} commandId={} error={}", edgeId, commandId, error);
    if (commandId != null) {
      ledger.result(Ack.of(commandId, AckStatus.FAILED, clock.instant(), new ErrorDetail(
          error.path("code").asText(ErrorCode.INTERNAL.wire()), error.path("message").asText("the cloud refused"))));
    }
  }

  private void offered(String commandId, JsonNode document) {
    CapabilityConfig config;
    try {
      config = CapabilityConfig.parse(document);
      requireThisEdge(config);
    } catch (IllegalArgumentException e) {
      refuse(commandId, e.getMessage());
      return;
    }
    if (commandId == null && config.version() <= current.get().version()) {
      LOG.info("Pushed config not newer edgeId={} version={}; ignored", edgeId, config.version());
      return;
    }
    if (config.version() == current.get().version()) {
      sameVersion(commandId, config);
      return;
    }
    ConfigStore.Staged staged;
    try {
      staged = store.stage(document);
    } catch (IOException e) {
      LOG.error("Saving the config failed edgeId={} path={}", edgeId, store.path(), e);
      fail(commandId, ErrorCode.INTERNAL, "the edge could not save the new config beside " + store.path() + ": "
          + e.getMessage() + "; version " + current.get().version() + " stays");
      return;
    }
    applier.apply(config, new ConfigApplier.Outcome() {
      @Override
      public void applied() {
        persist(commandId, config, staged);
      }

      @Override
      public void failed(RuntimeException cause) {
        staged.discard();
        fail(commandId, ErrorCode.INTERNAL, "applying config version " + config.version() + " failed: "
            + cause.getMessage() + "; version " + current.get().version() + " stays in force");
      }
    });
  }

  /**
   * The version in force again: nothing to do when it is the same document, and a different
   * document under the same number is refused, or two configs would pass for one version.
   */
  private void sameVersion(String commandId, CapabilityConfig config) {
    if (!config.equals(current.get())) {
      refuse(commandId, "the config differs from version " + config.version() + " in force but has the same"
          + " version number; a changed config needs a new version");
      return;
    }
    LOG.info("Config version {} already in force edgeId={}", config.version(), edgeId);
    executed(commandId);
  }

  /** The config is in force: it becomes the last good one on disk, which the next start loads. */
  private void persist(String commandId, CapabilityConfig config, ConfigStore.Staged staged) {
    try {
      staged.commit();
      executed(commandId);
    } catch (IOException e) {
      LOG.error("Config version {} is in force but not saved edgeId={} path={}; the next start loads the old file",
          config.version(), edgeId, store.path(), e);
      fail(commandId, ErrorCode.INTERNAL, "config version " + config.version() + " is in force but could not be"
          + " saved to " + store.path() + ": " + e.getMessage() + "; the next start of the edge loads the config"
          + " that file holds");
    }
  }

  /** Acks the command that asked for the config; a pushed config has none. */
  private void executed(String commandId) {
    if (commandId != null) {
      ledger.result(Ack.executed(commandId, clock.instant()));
    }
  }

  private void fail(String commandId, ErrorCode code, String message) {
    if (commandId != null) {
      ledger.result(failed(commandId, code, message));
    }
  }

  private void requireThisEdge(CapabilityConfig config) {
    if (!edgeId.equals(config.edgeId())) {
      throw new IllegalArgumentException("the config is for edge " + config.edgeId() + ", not " + edgeId);
    }
  }

  private void refuse(String commandId, String problems) {
    LOG.warn("Config refused edgeId={} commandId={}: {}", edgeId, commandId, problems);
    events.report(new StateEvent(StateEvent.CONFIG_REFUSED,
        Map.of("reason", problems, "config_version", current.get().version())));
    fail(commandId, ErrorCode.INVALID_CONFIG, problems + "; config version " + current.get().version()
        + " stays in force");
  }

  private Ack failed(String commandId, ErrorCode code, String message) {
    return Ack.of(commandId, AckStatus.FAILED, clock.instant(), ErrorDetail.of(code, message));
  }
}
