package energy.dispatch.cloud.mqtt;

import energy.dispatch.cloud.redis.RedisConnection;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import redis.clients.jedis.params.SetParams;

/**
 * Where the status changes of an optimizer's command go: its MQTT 5 response topic and correlation
 * data, kept in Redis so that whichever node makes a transition can answer. A route names the
 * principal that asked for it, and only that principal's command is ever answered on it, so a
 * request that reuses another principal's command id learns nothing. Thread-safe.
 */
public final class ResponseRoutes {

  private final RedisConnection redis;

  public ResponseRoutes(RedisConnection redis) {
    this.redis = redis;
  }

  /** A response topic, the correlation data to echo, and who asked. */
  record Route(String principal, String topic, byte[] correlation) {}

  void put(String commandId, Route route, Duration lifetime) {
    String value = route.principal() + "\n" + route.topic() + "\n"
        + (route.correlation() == null ? "" : Base64.getEncoder().encodeToString(route.correlation()));
    redis.client().set(key(commandId), value, SetParams.setParams().ex(Math.max(1, lifetime.toSeconds())));
  }

  Optional<Route> find(String commandId) {
    String value = redis.client().get(key(commandId));
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.split("\n", -1);
    byte[] correlation = parts[2].isEmpty() ? null : Base64.getDecoder().decode(parts[2]);
    return Optional.of(new Route(parts[0], parts[1], correlation));
  }

  private String key(String commandId) {
    return redis.keys().prefix() + "response-route:" + commandId;
  }

}
