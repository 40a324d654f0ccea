package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.testing.FreePorts;
import energy.dispatch.testing.TestRedis;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Invariant 3 against Redis failing, on a Redis of this test's own: Redis restarted with its data
 * gone (the outbox of an offline edge is rebuilt from PostgreSQL, and the queued commands still
 * run), and Redis unreachable for a while (new commands are refused with {@code store_unavailable}
 * and reserve no id; nothing accepted before is lost).
 */
class RedisFailureTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_redis";

  static int redisPort = FreePorts.next();
  static RedisServer redis;

  @BeforeAll
  static void startSystem() {
    redis = TestRedis.startPrivate(redisPort);
    startParts(FaultSystem.create(folder, "RedisFailureTest", "redis://127.0.0.1:" + redisPort), EDGE, false);
  }

  @AfterEach
  void edgeOffline() {
    site.agent().terminate();
  }

  @AfterAll
  static void stopRedis() throws IOException {
    // the parts first: a cloud that loses Redis while it stops would log errors nobody caused
    stopParts();
    redis.stop();
  }

  @Test
  void redis_restarted_empty_is_rebuilt_from_postgres_and_the_queued_commands_still_run() throws IOException {
    Batch batch = new Batch(site, audit);
    for (WritableChannel channel : WritableChannel.values()) {
      assertThat(node.api().submit(batch.setpoint("wiped-" + channel.name(), channel, 600)).accepted()).isTrue();
    }
    await().atMost(PRESENCE).until(() -> batch.commandIds().stream()
        .allMatch(id -> audit.find(id).map(record -> record.status().equals("queued")).orElse(false)));

    redis.stop();
    redis = TestRedis.startPrivate(redisPort);
    await().atMost(PRESENCE).until(() -> node.api().healthy());
    site.agent().start();

    batch.assertAllExecutedOnce();
  }

  @Test
  void redis_unreachable_refuses_new_commands_and_loses_none_accepted_before() throws IOException {
    Batch batch = new Batch(site, audit);
    assertThat(node.api().submit(batch.setpoint("before-redis-outage", WritableChannel.REACTIVE_POWER, 600))
        .accepted()).isTrue();

    redis.stop();
    CloudClient.Answer refused = node.api().submit(
        WritableChannel.SOC_RESERVE.setpoint("during-redis-outage", EDGE, 42, 600));

    assertThat(refused.status()).as("%s", refused).isEqualTo(503);
    assertThat(refused.errorCode()).isEqualTo("store_unavailable");
    assertThat(refused.body().path("error").path("message").asText()).contains("Redis");
    assertThat(audit.find("during-redis-outage")).as("a refused command reserves no id").isEmpty();

    redis = TestRedis.startPrivate(redisPort);
    await().atMost(PRESENCE).until(() -> node.api().healthy());
    site.agent().start();
    assertThat(node.api().submit(batch.setpoint("during-redis-outage", WritableChannel.SOC_RESERVE, 600))
        .accepted()).as("the refused id is free").isTrue();

    batch.assertAllExecutedOnce();
  }
}
