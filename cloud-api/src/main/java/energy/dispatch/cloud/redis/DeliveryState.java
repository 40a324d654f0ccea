package energy.dispatch.cloud.redis;

import energy.dispatch.schema.Priority;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.RedisClient;

/**
 * The derived, fast delivery state in Redis, rebuilt from PostgreSQL when lost: per edge an outbox
 * (sorted by priority, then submission), the set of commands in flight (sent, not yet delivered),
 * and presence. Decisions that must not race between nodes run as one Lua script each. Thread-safe.
 */
public final class DeliveryState {

  /** Send now, wait in the outbox, or leave it: another admission of the same command is under way. */
  public enum Admission { SEND, QUEUE, HELD }

  /** A command taken from the outbox to be sent, with the score to put it back with. */
  public record Claimed(String commandId, double score) {}

  /*
   * KEYS: presence flags, in-flight set, outbox, hand-on marker. ARGV: edge, window, command, score, marker
   * lifetime in ms. The marker makes a node's admission and a sweeper's hand-on of the same command
   * exclusive for its lifetime; when a node died half-way, the next hand-on after it expired goes through.
   */
  private static final String ADMIT = """
      if not redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[5]) then return 'HELD' end
      local online = redis.call('HGET', KEYS[1], ARGV[1])
      if online == '1' and redis.call('SCARD', KEYS[2]) < tonumber(ARGV[2]) and redis.call('ZCARD', KEYS[3]) == 0 then
        redis.call('SADD', KEYS[2], ARGV[3])
        return 'SEND'
      end
      redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
      return 'QUEUE'""";

  private static final String CLAIM = """
      if redis.call('HGET', KEYS[1], ARGV[1]) ~= '1' then return false end
      if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then return false end
      local popped = redis.call('ZPOPMIN', KEYS[3])
      if #popped == 0 then return false end
      redis.call('SADD', KEYS[2], popped[1])
      return popped""";

  /*
   * KEYS: presence flags, state documents, last report times. ARGV: edge, '1'/'0', state JSON, report time in ms
   * (-1 when the message has none). An offline report older than the last report (a taken-over session's late
   * will) changes nothing; an online report always counts, so an edge whose clock stepped back is never hidden.
   * Returns the previous flag, or 'stale'.
   */
  private static final String PRESENCE = """
      local at = tonumber(ARGV[4])
      local last = tonumber(redis.call('HGET', KEYS[3], ARGV[1]))
      if ARGV[2] == '0' and at >= 0 and last and at < last then return 'stale' end
      if at >= 0 then redis.call('HSET', KEYS[3], ARGV[1], ARGV[4]) end
      local old = redis.call('HGET', KEYS[1], ARGV[1])
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
      return old""";

  private final RedisClient redis;
  private final RedisKeys keys;

  public DeliveryState(RedisConnection connection) {
    this.redis = connection.client();
    this.keys = connection.keys();
  }

  /** Higher priorities first, then submission order; exact in a double up to 10^12 submissions. */
  public static double score(Priority priority, long submitSeq) {
    return (Priority.EMERGENCY.rank() - priority.rank()) * 1e12 + submitSeq;
  }

  /**
   * Takes a newly accepted command in flight when its edge is present, has room in its window and
   * nothing waits before it; else puts it in the outbox. {@code HELD} when the command was admitted
   * less than {@code exclusive} ago, by this node or another.
   */
  public Admission admit(String edgeId, String commandId, double score, int window, Duration exclusive) {
    Object answer = redis.eval(ADMIT,
        List.of(keys.presence(), keys.inFlight(edgeId), keys.outbox(edgeId), keys.handOn(commandId)),
        List.of(edgeId, Integer.toString(window), commandId, Double.toString(score),
            Long.toString(exclusive.toMillis())));
    return Admission.valueOf(String.valueOf(answer));
  }

  /** The next command to send to a present edge with room in its window, now counted in flight. */
  public Optional<Claimed> claimNext(String edgeId, int window) {
    Object answer = redis.eval(CLAIM, List.of(keys.presence(), keys.inFlight(edgeId), keys.outbox(edgeId)),
        List.of(edgeId, Integer.toString(window)));
    if (!(answer instanceof List<?> popped) || popped.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(new Claimed(String.valueOf(popped.get(0)), Double.parseDouble(String.valueOf(popped.get(1)))));
  }

  /** Puts a command that could not be sent back in the outbox, out of flight. */
  public void putBack(String edgeId, String commandId, double score) {
    redis.srem(keys.inFlight(edgeId), commandId);
    redis.zadd(keys.outbox(edgeId), score, commandId);
  }

  public void enqueue(String edgeId, String commandId, double score) {
    redis.zadd(keys.outbox(edgeId), score, commandId);
  }

  /** Takes a waiting command out of the outbox; true only for the one caller that removed it. */
  public boolean removeFromOutbox(String edgeId, String commandId) {
    return redis.zrem(keys.outbox(edgeId), commandId) > 0;
  }

  public void markInFlight(String edgeId, String commandId) {
    redis.sadd(keys.inFlight(edgeId), commandId);
  }

  public void releaseInFlight(String edgeId, String commandId) {
    redis.srem(keys.inFlight(edgeId), commandId);
  }

  public boolean isInFlight(String edgeId, String commandId) {
    return redis.sismember(keys.inFlight(edgeId), commandId);
  }

  public long outboxSize(String edgeId) {
    return redis.zcard(keys.outbox(edgeId));
  }

  /**
   * Records what the edge's state topic says. Returns true when this call saw the edge come
   * online (it was not before), so exactly one node reacts to a reconnect. An offline report
   * stamped earlier than the last report seen (the late will of a session taken over) is ignored.
   *
   * @param reportedAtMillis the report's {@code at}, or -1 when it has none
   */
  public boolean markPresence(String edgeId, boolean online, String stateJson, long reportedAtMillis) {
    Object old = redis.eval(PRESENCE, List.of(keys.presence(), keys.presence() + ":state", keys.presence() + ":at"),
        List.of(edgeId, online ? "1" : "0", stateJson, Long.toString(reportedAtMillis)));
    return online && !"1".equals(old) && !"stale".equals(old);
  }

  /** The broker had no subscriber for the edge's commands: not present until its state says online again. */
  public void markAbsent(String edgeId) {
    redis.hset(keys.presence(), edgeId, "0");
  }

  /**
   * Forgets every edge's presence, after this node lost the broker: wills may not have fired when
   * the broker died, and each edge's next online report must count as a reconnect.
   */
  public void markAllAbsent() {
    Map<String, String> flags = redis.hgetAll(keys.presence());
    flags.replaceAll((edge, flag) -> "0");
    if (!flags.isEmpty()) {
      redis.hset(keys.presence(), flags);
    }
  }

  public boolean isPresent(String edgeId) {
    return "1".equals(redis.hget(keys.presence(), edgeId));
  }

  /** Edge id to presence, for every edge that ever reported. */
  public Map<String, Boolean> presence() {
    Map<String, Boolean> result = new HashMap<>();
    redis.hgetAll(keys.presence()).forEach((edge, flag) -> result.put(edge, "1".equals(flag)));
    return result;
  }

  /** Whether the marker of built state is gone, meaning Redis restarted empty or was wiped. */
  public boolean isEpochMissing() {
    return !redis.exists(keys.epoch());
  }

  public void markEpoch(String nodeId) {
    redis.set(keys.epoch(), nodeId + "@" + System.currentTimeMillis());
  }
}
