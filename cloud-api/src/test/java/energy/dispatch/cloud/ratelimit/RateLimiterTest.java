package energy.dispatch.cloud.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.cloud.ratelimit.Decision.Outcome;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.Priority;
import energy.dispatch.testing.FreePorts;
import energy.dispatch.testing.TestRedis;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

class RateLimiterTest {

  private static final Duration MINUTE = Duration.ofSeconds(60);

  private static RedisClient redis;
  private final String prefix = TestRedis.freshPrefix();

  @BeforeAll
  static void connect() {
    redis = RedisClient.create(URI.create(TestRedis.url()));
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  private RateLimiter limiter(RateLimits limits) {
    return new RateLimiter(redis, prefix, limits);
  }

  @Test
  void allows_up_to_the_principal_limit_then_refuses_with_a_retry_after_within_the_window() {
    RateLimiter limiter = limiter(new RateLimits(MINUTE, 3, 100, 1, 1));

    for (int i = 0; i < 3; i++) {
      assertThat(limiter.check("user:1", "edge-" + i, Priority.NORMAL).isAllowed()).isTrue();
    }
    Decision refused = limiter.check("user:1", "edge-9", Priority.NORMAL);

    assertThat(refused.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    assertThat(refused.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);
    assertThat(refused.toErrorDetail().code()).isEqualTo("rate_limited");
    assertThat(refused.message()).contains("user:1", "limit of 3 per 60 s", "retry in");
    assertThat(limiter.check("user:2", "edge-9", Priority.NORMAL).isAllowed()).isTrue();
  }

  @Test
  void principals_share_the_budget_of_one_edge() {
    RateLimiter limiter = limiter(new RateLimits(MINUTE, 100, 2, 1, 1));

    assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isTrue();
    assertThat(limiter.check("service:optimizer", "edge-a", Priority.HIGH).isAllowed()).isTrue();
    Decision refused = limiter.check("user:2", "edge-a", Priority.NORMAL);

    assertThat(refused.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    assertThat(refused.message()).contains("edge edge-a");
    assertThat(limiter.check("user:2", "edge-b", Priority.NORMAL).isAllowed()).isTrue();
  }

  @Test
  void emergency_commands_have_their_own_buckets() {
    RateLimiter limiter = limiter(new RateLimits(MINUTE, 1, 1, 2, 2));
    limiter.check("user:1", "edge-a", Priority.NORMAL);

    assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isFalse();
    assertThat(limiter.check("user:1", "edge-a", Priority.EMERGENCY).isAllowed()).isTrue();
    assertThat(limiter.check("user:1", "edge-a", Priority.EMERGENCY).isAllowed()).isTrue();
    Decision refused = limiter.check("user:1", "edge-a", Priority.EMERGENCY);
    assertThat(refused.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    assertThat(refused.message()).startsWith("emergency command rate limit of 2");
  }

  @Test
  void a_refused_command_uses_no_budget_of_the_other_bucket() {
    RateLimiter limiter = limiter(new RateLimits(MINUTE, 2, 3, 1, 1));
    limiter.check("user:1", "edge-a", Priority.NORMAL);
    limiter.check("user:1", "edge-a", Priority.NORMAL);

    for (int i = 0; i < 5; i++) {
      assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isFalse();
    }

    assertThat(limiter.check("user:2", "edge-a", Priority.NORMAL).isAllowed()).isTrue();
    assertThat(limiter.check("user:2", "edge-a", Priority.NORMAL).isAllowed()).isFalse();
  }

  @Test
  void every_counter_carries_an_expiry_of_at_most_the_window() {
    RateLimiter limiter = limiter(new RateLimits(MINUTE, 5, 5, 5, 5));
    limiter.check("user:1", "edge-a", Priority.NORMAL);
    limiter.check("user:1", "edge-b", Priority.EMERGENCY);

    // KEYS sees the whole key space at once; one SCAN call may stop early on a shared Redis with many keys.
    Set<String> keys = redis.keys(prefix + "*");

    assertThat(keys).containsExactlyInAnyOrder(prefix + "ratelimit:normal:principal:user:1",
        prefix + "ratelimit:normal:edge:edge-a", prefix + "ratelimit:emergency:principal:user:1",
        prefix + "ratelimit:emergency:edge:edge-b");
    assertThat(keys).allSatisfy(key -> assertThat(redis.pttl(key)).isBetween(1L, MINUTE.toMillis()));
  }

  @Test
  void a_full_counter_found_without_expiry_gets_one_instead_of_blocking_forever() {
    RateLimiter limiter = limiter(new RateLimits(MINUTE, 2, 10, 1, 1));
    String key = prefix + "ratelimit:normal:principal:user:1";
    redis.set(key, "2");

    Decision refused = limiter.check("user:1", "edge-a", Priority.NORMAL);

    assertThat(refused.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    assertThat(redis.pttl(key)).isBetween(1L, MINUTE.toMillis());
  }

  @Test
  void a_new_window_allows_again() {
    RateLimiter limiter = limiter(new RateLimits(Duration.ofSeconds(1), 1, 1, 1, 1));
    assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isTrue();
    assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isFalse();

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed());
  }

  @Test
  void concurrent_checks_never_allow_more_than_the_limit() throws Exception {
    RateLimiter limiter = limiter(new RateLimits(MINUTE, 100, 1000, 1, 1));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        tasks.add(() -> countAllowed(limiter, "edge-" + thread, 40));
      }
      int allowed = 0;
      for (Future<Integer> future : pool.invokeAll(tasks)) {
        allowed += future.get();
      }

      assertThat(allowed).isEqualTo(100);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int countAllowed(RateLimiter limiter, String edgeId, int attempts) {
    int allowed = 0;
    for (int i = 0; i < attempts; i++) {
      allowed += limiter.check("user:1", edgeId, Priority.NORMAL).isAllowed() ? 1 : 0;
    }
    return allowed;
  }

  @Test
  void refuses_with_store_unavailable_while_redis_is_unreachable_and_recovers_after() throws IOException {
    int port = FreePorts.next();
    RedisServer server = TestRedis.startPrivate(port);
    try (RedisClient privateRedis = RedisClient.create(URI.create("redis://127.0.0.1:" + port))) {
      RateLimiter limiter = new RateLimiter(privateRedis, prefix, RateLimits.defaults());
      assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isTrue();

      server.stop();
      Decision normal = limiter.check("user:1", "edge-a", Priority.NORMAL);
      Decision emergency = limiter.check("user:1", "edge-a", Priority.EMERGENCY);

      assertThat(List.of(normal.outcome(), emergency.outcome())).containsOnly(Outcome.STORE_UNAVAILABLE);
      assertThat(normal.errorCode()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
      assertThat(normal.toErrorDetail().code()).isEqualTo("store_unavailable");
      assertThat(normal.retryAfterSeconds()).isZero();
      assertThat(normal.message()).contains("Redis is unreachable");

      server = TestRedis.startPrivate(port);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed());
    } finally {
      server.stop();
    }
  }

  @Test
  void while_redis_is_unreachable_only_one_check_per_probe_interval_asks_it() throws IOException {
    int port = FreePorts.next();
    try (RedisClient nothingListening = RedisClient.create(URI.create("redis://127.0.0.1:" + port))) {
      RateLimiter patient = new RateLimiter(nothingListening, prefix, RateLimits.defaults(), Duration.ofHours(1));
      RateLimiter eager = new RateLimiter(nothingListening, prefix, RateLimits.defaults(), Duration.ZERO);
      assertThat(patient.check("user:1", "edge-a", Priority.NORMAL).outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
      assertThat(eager.check("user:1", "edge-a", Priority.NORMAL).outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);

      RedisServer server = TestRedis.startPrivate(port);
      try {
        assertThat(patient.check("user:1", "edge-a", Priority.NORMAL).outcome())
            .isEqualTo(Outcome.STORE_UNAVAILABLE);
        assertThat(eager.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isTrue();
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void a_flushed_script_cache_is_reloaded() throws IOException {
    int port = FreePorts.next();
    RedisServer server = TestRedis.startPrivate(port);
    try (RedisClient privateRedis = RedisClient.create(URI.create("redis://127.0.0.1:" + port))) {
      RateLimiter limiter = new RateLimiter(privateRedis, prefix, RateLimits.defaults());
      assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isTrue();

      privateRedis.scriptFlush();

      assertThat(limiter.check("user:1", "edge-a", Priority.NORMAL).isAllowed()).isTrue();
      assertThat(privateRedis.get(prefix + "ratelimit:normal:principal:user:1")).isEqualTo("2");
    } finally {
      server.stop();
    }
  }
}
