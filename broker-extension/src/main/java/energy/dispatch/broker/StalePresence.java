package energy.dispatch.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.publish.Publish;
import com.hivemq.extension.sdk.api.services.publish.RetainedPublish;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence after a broker start. A broker that crashed never published its clients' last wills,
 * so the retained state of an edge can still say {@code online} while nothing is connected, and
 * the cloud would send that edge commands that only time out. At start, every edge whose retained
 * state says online and which is not connected (in a cluster, to any node) is marked offline; a
 * connected edge replaces it with its own state as it (re)connects.
 */
final class StalePresence {

  private static final Logger LOG = LoggerFactory.getLogger(StalePresence.class);

  private StalePresence() {}

  static CompletableFuture<Void> markDisconnectedEdgesOffline() {
    List<String> claimedOnline = new CopyOnWriteArrayList<>();
    return Services.retainedMessageStore()
        .iterateAllRetainedMessages((context, retained) -> onlineEdge(retained).ifPresent(claimedOnline::add))
        .thenCompose(done -> CompletableFuture.allOf(claimedOnline.stream()
            .map(StalePresence::markOfflineUnlessConnected)
            .toArray(CompletableFuture[]::new)));
  }

  /** The edge id, when this retained message is an edge's state that says online. */
  static Optional<String> onlineEdge(RetainedPublish retained) {
    String topic = retained.getTopic();
    Optional<String> edgeId = Topics.edgeOf(topic).filter(id -> topic.equals(Topics.state(id)));
    if (edgeId.isEmpty() || retained.getPayload().isEmpty()) {
      return Optional.empty();
    }
    return edgeId.filter(id -> saysOnline(retained.getPayload().get()));
  }

  private static boolean saysOnline(ByteBuffer payload) {
    byte[] bytes = new byte[payload.remaining()];
    payload.duplicate().get(bytes);
    try {
      JsonNode state = Json.mapper().readTree(bytes);
      return state.path("online").asBoolean(false);
    } catch (IOException unreadable) {
      return false;
    }
  }

  private static CompletableFuture<Void> markOfflineUnlessConnected(String edgeId) {
    return Services.clientService().isClientConnected(edgeId).thenCompose(connected -> {
      if (connected) {
        return CompletableFuture.completedFuture(null);
      }
      LOG.info("Edge marked offline: its retained state said online but it is not connected edgeId={}", edgeId);
      // Published, not only stored: a subscriber that already took the stale state hears the correction.
      return Services.publishService().publish(offlineState(edgeId));
    });
  }

  static Publish offlineState(String edgeId) {
    ObjectNode state = Json.mapper().createObjectNode()
        .put("edge_id", edgeId)
        .put("online", false)
        .put("at", Instant.now().toString())
        .put("reason", "not connected after a broker start");
    return Builders.publish()
        .topic(Topics.state(edgeId))
        .retain(true)
        .qos(Qos.AT_LEAST_ONCE)
        .payload(ByteBuffer.wrap(state.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .build();
  }
}
