package energy.dispatch.cloud.ratelimit;

import energy.dispatch.schema.Priority;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Counts commands per principal and per edge in fixed windows in Redis, emergency commands in
 * buckets of their own. One Lua script checks both buckets and, only when both have room, counts
 * the command in both and gives each new bucket its expiry, in one atomic step: no failure can
 * leave a counter without expiry, and a refused command uses no budget. When Redis cannot be
 * reached the limiter answers {@code store_unavailable}: it fails closed, as the command path does,
 * which cannot queue a command without Redis either. While Redis is unreachable only one check per
 * probe interval asks it, and the others are refused at once instead of each waiting for a
 * connection timeout. Thread-safe.
 *
 * <p>Call {@link #check} once per command, after authentication and authorization and before the
 * command is accepted.
 */
public final class RateLimiter {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  /*
   * KEYS[1] the principal's bucket, KEYS[2] the edge's; ARGV[1], ARGV[2] their limits; ARGV[3] the window in ms.
   * Returns {0, 0} when counted, or {i, ms} when bucket i is full and empties in ms.
   */
  private static final String SCRIPT = """
      local windowMs = tonumber(ARGV[3])
      for i = 1, 2 do
        local count = tonumber(redis.call('GET', KEYS[i]) or '0')
        if count >= tonumber(ARGV[i]) then
          local ttl = redis.call('PTTL', KEYS[i])
          if ttl < 0 then
            redis.call('PEXPIRE', KEYS[i], windowMs)
            ttl = windowMs
          end
          return {i, ttl}
        end
      end
      for i = 1, 2 do
        redis.call('INCR', KEYS[i])
        if redis.call('PTTL', KEYS[i]) < 0 then
          redis.call('PEXPIRE', KEYS[i], windowMs)
        end
      end
      return {0, 0}
      """;
  private static final String SCRIPT_SHA = sha1(SCRIPT);

  static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(500);

  private final UnifiedJedis redis;
  private final String keyPrefix;
  private final RateLimits limits;
  private final long probeIntervalNanos;
  private final AtomicBoolean storeDown = new AtomicBoolean();
  private final AtomicLong nextProbeNanos = new AtomicLong();

  /**
   * @param redis a pooled client ({@code JedisPooled} or {@code RedisClient}), shared and closed by the caller
   * @param keyPrefix the node's Redis key prefix, ending in a colon
   */
  public RateLimiter(UnifiedJedis redis, String keyPrefix, RateLimits limits) {
    this(redis, keyPrefix, limits, DEFAULT_PROBE_INTERVAL);
  }

  RateLimiter(UnifiedJedis redis, String keyPrefix, RateLimits limits, Duration probeInterval) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.probeIntervalNanos = probeInterval.toNanos();
  }

  /**
   * Counts one command of {@code principal} to {@code edgeId} when both buckets of its priority
   * have room; {@code emergency} uses the emergency buckets, {@code normal} and {@code high} the
   * others. Never throws for Redis failures: they answer {@link Decision.Outcome#STORE_UNAVAILABLE}.
   */
  public Decision check(String principal, String edgeId, Priority priority) {
    if (storeDown.get() && !claimProbe()) {
      return Decision.storeUnavailable();
    }
    Bucket bucket = priority == Priority.EMERGENCY ? Bucket.EMERGENCY : Bucket.NORMAL;
    List<String> keys = List.of(key(bucket, "principal", principal), key(bucket, "edge", edgeId));
    List<String> args = List.of(Integer.toString(bucket.principalLimit(limits)),
        Integer.toString(bucket.edgeLimit(limits)), Long.toString(limits.window().toMillis()));
    List<?> result;
    try {
      result = (List<?>) evaluate(keys, args);
    } catch (JedisException e) {
      return storeUnavailable(principal, edgeId, e);
    }
    storeBack();
    return decide(result, bucket, principal, edgeId);
  }

  private Object evaluate(List<String> keys, List<String> args) {
    try {
      return redis.evalsha(SCRIPT_SHA, keys, args);
    } catch (JedisNoScriptException e) {
      // A restarted or flushed Redis has forgotten the script; EVAL runs and caches it again.
      return redis.eval(SCRIPT, keys, args);
    }
  }

  private Decision decide(List<?> result, Bucket bucket, String principal, String edgeId) {
    long full = ((Number) result.get(0)).longValue();
    if (full == 0) {
      return Decision.allow();
    }
    Duration retryAfter = Duration.ofMillis(((Number) result.get(1)).longValue());
    String subject = full == 1 ? principal : "edge " + edgeId;
    int limit = full == 1 ? bucket.principalLimit(limits) : bucket.edgeLimit(limits);
    return Decision.rateLimited(retryAfter, bucket.label + " limit of " + limit + " per "
        + limits.window().toSeconds() + " s for " + subject + " reached; retry in "
        + Decision.wholeSecondsUp(retryAfter) + " s");
  }

  /** Whether this caller may ask the unreachable Redis now: one caller per probe interval. */
  private boolean claimProbe() {
    long due = nextProbeNanos.get();
    long now = System.nanoTime();
    return now - due >= 0 && nextProbeNanos.compareAndSet(due, now + probeIntervalNanos);
  }

  private Decision storeUnavailable(String principal, String edgeId, JedisException e) {
    if (!(e instanceof JedisConnectionException)) {
      LOG.error("Rate limit check failed in Redis, refusing the command principal={} edgeId={}", principal, edgeId, e);
      return Decision.storeUnavailable();
    }
    nextProbeNanos.set(System.nanoTime() + probeIntervalNanos);
    if (storeDown.compareAndSet(false, true)) {
      LOG.warn("Redis unreachable: refusing new commands with store_unavailable until it answers again "
          + "principal={} edgeId={}", principal, edgeId, e);
    }
    return Decision.storeUnavailable();
  }

  private void storeBack() {
    if (storeDown.compareAndSet(true, false)) {
      LOG.info("Redis reachable again: rate limits are checked and commands accepted");
    }
  }

  private String key(Bucket bucket, String subjectKind, String subject) {
    return keyPrefix + "ratelimit:" + bucket.keyPart + ":" + subjectKind + ":" + subject;
  }

  // TODO: on Redis Cluster the two keys of one check must share a slot (a hash tag such as {edgeId}
  //  would do for the edge but not the principal); until then a check there fails with CROSSSLOT and
  //  is answered store_unavailable.

  private static String sha1(String script) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1, which Redis script ids need", e);
    }
  }

  /** The two sets of buckets: emergency commands never compete with the others. */
  private enum Bucket {
    NORMAL("normal", "command rate"),
    EMERGENCY("emergency", "emergency command rate");

    private final String keyPart;
    private final String label;

    Bucket(String keyPart, String label) {
      this.keyPart = keyPart;
      this.label = label;
    }

    int principalLimit(RateLimits limits) {
      return this == EMERGENCY ? limits.emergencyPerPrincipal() : limits.perPrincipal();
    }

    int edgeLimit(RateLimits limits) {
      return this == EMERGENCY ? limits.emergencyPerEdge() : limits.perEdge();
    }
  }
}
