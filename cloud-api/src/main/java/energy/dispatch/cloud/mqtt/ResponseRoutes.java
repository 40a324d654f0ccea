package energy.dispatch.cloud.mqtt;

import energy.dispatch.cloud.redis.RedisConnection;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import redis.clients.jedis.params.SetParams;

/**
 * Where the status changes of an optimizer's command go: its MQTT 5 response topic and correlation
 * data, kept in Redis so that whichever node makes a transition can answer. A route is kept under
 * the principal that asked for it and the command id, and a command is answered only on its
 * submitter's route: a request that reuses another principal's command id neither learns of that
 * command nor replaces the route its submitter is answered on. Thread-safe.
 */
public final class ResponseRoutes {

  private final RedisConnection redis;

  public ResponseRoutes(RedisConnection redis) {
    this.redis = redis;
  }

  /** A response topic, the correlation data to echo, and who asked. */
  record Route(String principal, String topic, byte[] correlation) {}

  void put(String commandId, Route route, Duration lifetime) {
    String value = route.topic() + "\n"
        + (route.correlation() == null ? "" : Base64.getEncoder().encodeToString(route.correlation()));
    redis.client().set(key(route.principal(), commandId), value,
        SetParams.setParams().ex(Math.max(1, lifetime.toSeconds())));
  }

  /** The route {@code principal} asked for with its command {@code commandId}. */
  Optional<Route> find(String principal, String commandId) {
    String value = redis.client().get(key(principal, commandId));
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.split("\n", -1);
    byte[] correlation = parts[1].isEmpty() ? null : Base64.getDecoder().decode(parts[1]);
    return Optional.of(new Route(principal, parts[0], correlation));
  }

  /** A service name holds no ':', so the key is unambiguous whatever the command id holds. */
  private String key(String principal, String commandId) {
    return redis.keys().prefix() + "response-route:" + principal + ":" + commandId;
  }

}
