package energy.dispatch.cloud.redis;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.internal.StartupException;
import java.net.URI;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/** The node's pooled Redis client and its key names. Thread-safe. */
public final class RedisConnection implements AutoCloseable {

  private final RedisClient client;
  private final RedisKeys keys;
  private final URI uri;

  private RedisConnection(RedisClient client, RedisKeys keys, URI uri) {
    this.client = client;
    this.keys = keys;
    this.uri = uri;
  }

  /**
   * Connects and checks that Redis answers.
   *
   * @throws StartupException when it does not
   */
  public static RedisConnection connect(CloudSettings settings) {
    URI uri = URI.create(settings.redisUrl());
    RedisClient client = RedisClient.create(uri);
    try {
      client.ping();
    } catch (JedisException e) {
      client.close();
      throw new StartupException("cannot reach Redis at " + uri.getHost() + ":" + uri.getPort()
          + " (REDIS_URL); start it or point REDIS_URL at a running server", e);
    }
    return new RedisConnection(client, new RedisKeys(settings.redisKeyPrefix()), uri);
  }

  public RedisClient client() {
    return client;
  }

  public RedisKeys keys() {
    return keys;
  }

  /** The server's address, for a dedicated subscriber connection. */
  public URI uri() {
    return uri;
  }

  /** Whether Redis answers a PING now. */
  public boolean isHealthy() {
    try {
      return "PONG".equalsIgnoreCase(client.ping());
    } catch (JedisException e) {
      return false;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
