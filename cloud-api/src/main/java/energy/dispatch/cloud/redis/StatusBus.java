package energy.dispatch.cloud.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.cloud.command.StatusChange;
import energy.dispatch.cloud.command.StatusSink;
import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.Json;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Fan-out of status changes between nodes over one Redis pub/sub channel. A change is handed to
 * this node's sockets at once (so their order follows the order of events here) and published for
 * the other nodes, which hand it to theirs; a node ignores its own messages. The subscriber
 * reconnects by itself. Thread-safe.
 */
public final class StatusBus implements StatusSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StatusBus.class);

  private final RedisClient redis;
  private final String channel;
  private final String nodeId;
  private final Consumer<StatusChange> local;
  private final Subscriber subscriber = new Subscriber();
  private final Thread thread;
  private volatile boolean running = true;

  public StatusBus(RedisConnection connection, String nodeId, Consumer<StatusChange> local) {
    this.redis = connection.client();
    this.channel = connection.keys().statusChannel();
    this.nodeId = nodeId;
    this.local = local;
    this.thread = new Thread(this::listen, "dispatch-status-bus");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void publish(StatusChange change) {
    local.accept(change);
    try {
      ObjectNode envelope = Json.mapper().createObjectNode().put("origin", nodeId).put("submitter", change.submitter());
      envelope.set("event", Json.mapper().valueToTree(change.event()));
      redis.publish(channel, envelope.toString());
    } catch (JedisException e) {
      LOG.warn("Status change not fanned out to other nodes commandId={} status={}; sockets there miss it",
          change.event().commandId(), change.event().status().wire(), e);
    }
  }

  private void listen() {
    while (running) {
      try {
        redis.subscribe(subscriber, channel);
      } catch (JedisException e) {
        if (running) {
          // One line: Redis away is an operator's matter (its own health check says so), not a stack trace.
          LOG.warn("Status fan-out subscription lost ({}); resubscribing in 1 s", e.getMessage());
          LOG.debug("Status fan-out subscription lost", e);
          pause();
        }
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void receive(String message) {
    try {
      JsonNode envelope = Json.mapper().readTree(message);
      if (nodeId.equals(envelope.path("origin").asText())) {
        return;
      }
      CommandStatusEvent event = Json.mapper().treeToValue(envelope.get("event"), CommandStatusEvent.class);
      local.accept(new StatusChange(envelope.path("submitter").asText(), event));
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn("Ignoring an unreadable status fan-out message", e);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      if (subscriber.isSubscribed()) {
        subscriber.unsubscribe();
      }
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (JedisException e) {
      LOG.debug("Fan-out subscriber already closed", e);
    }
  }

  private final class Subscriber extends JedisPubSub {
    @Override
    public void onMessage(String ignoredChannel, String message) {
      receive(message);
    }
  }
}
