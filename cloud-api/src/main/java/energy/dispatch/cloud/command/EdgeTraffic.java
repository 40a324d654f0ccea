package energy.dispatch.cloud.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.audit.EdgeEventLog;
import energy.dispatch.cloud.edges.CapabilityStore;
import energy.dispatch.cloud.mqtt.InboundHandler;
import energy.dispatch.cloud.redis.DeliveryState;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cloud does with each kind of edge traffic: acks go to the {@link AckHandler}; state
 * messages keep presence in Redis and, when an edge comes online, start its re-publish and drain;
 * the events they carry go to the {@link EdgeEventLog};
 * config requests are answered with the edge's current capability config. Thread-safe.
 */
public final class EdgeTraffic implements InboundHandler {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeTraffic.class);

  private final AckHandler acks;
  private final EdgeEventLog events;
  private final DeliveryState state;
  private final Delivery delivery;
  private final CapabilityStore capabilities;
  private final BiFunction<String, byte[], CompletableFuture<Void>> configPublisher;
  private final Runnable presenceRefresh;

  /**
   * @param configPublisher publishes a config response to an edge
   * @param presenceRefresh reads every edge's retained state again
   */
  public EdgeTraffic(AckHandler acks, EdgeEventLog events, DeliveryState state, Delivery delivery,
      CapabilityStore capabilities, BiFunction<String, byte[], CompletableFuture<Void>> configPublisher,
      Runnable presenceRefresh) {
    this.acks = acks;
    this.events = events;
    this.state = state;
    this.delivery = delivery;
    this.capabilities = capabilities;
    this.configPublisher = configPublisher;
    this.presenceRefresh = presenceRefresh;
  }

  @Override
  public CompletionStage<?> onAck(String edgeId, byte[] payload) {
    return acks.onAck(edgeId, payload);
  }

  @Override
  public CompletionStage<?> onState(String edgeId, byte[] payload) {
    Optional<JsonNode> json = AckHandler.parse(payload);
    if (json.isEmpty() || !json.get().path("online").isBoolean()) {
      LOG.warn("Ignoring a state message without a boolean 'online' edgeId={}", edgeId);
      return CompletableFuture.completedFuture(null);
    }
    String claimed = json.get().path("edge_id").asText(edgeId);
    if (!claimed.equals(edgeId)) {
      LOG.warn("Ignoring a state message naming edge {} on edge {}'s topic", claimed, edgeId);
      return CompletableFuture.completedFuture(null);
    }
    if (json.get().has("event")) {
      // An event is history, forwarded perhaps long after it was raised; presence comes from the
      // retained snapshots and the last will only.
      return events.record(edgeId, json.get());
    }
    boolean online = json.get().get("online").booleanValue();
    if (state.markPresence(edgeId, online, json.get().toString(), reportedAt(json.get()))) {
      LOG.info("Edge online edgeId={}", edgeId);
      delivery.edgeOnline(edgeId);
    } else if (!online) {
      LOG.info("Edge offline edgeId={}", edgeId);
    }
    return CompletableFuture.completedFuture(null);
  }

  private static long reportedAt(JsonNode state) {
    try {
      return state.hasNonNull("at") ? java.time.Instant.parse(state.get("at").asText()).toEpochMilli() : -1;
    } catch (java.time.format.DateTimeParseException e) {
      return -1;
    }
  }

  @Override
  public CompletionStage<?> onConfigRequest(String edgeId, byte[] payload) {
    JsonNode requestId = AckHandler.parse(payload).map(json -> json.get("request_id")).orElse(null);
    ObjectNode response = Json.mapper().createObjectNode();
    response.set("request_id", requestId);
    Optional<CapabilityStore.StoredConfig> current = capabilities.current(edgeId);
    if (current.isPresent()) {
      response.set("config", current.get().document());
    } else {
      response.set("error", Json.mapper().valueToTree(ErrorDetail.of(ErrorCode.INVALID_CONFIG,
          "no capability config is stored for edge '" + edgeId + "'; upload one with PUT /api/v1/admin/edges/"
              + edgeId + "/config")));
    }
    LOG.info("Answering a config request edgeId={} version={}", edgeId,
        current.map(CapabilityStore.StoredConfig::version).orElse(null));
    return configPublisher.apply(edgeId, response.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Presence may be stale after a broker restart: start from absent and read the retained states again. */
  @Override
  public void onReconnected() {
    try {
      state.markAllAbsent();
    } catch (RuntimeException e) {
      LOG.warn("Could not reset presence after the broker reconnect; it updates as edges report", e);
    }
    presenceRefresh.run();
  }
}
