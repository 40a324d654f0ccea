package energy.dispatch.cloud.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.redis.DeliveryState.Admission;
import energy.dispatch.cloud.redis.DeliveryState.Claimed;
import energy.dispatch.cloud.support.TestSettings;
import energy.dispatch.schema.Priority;
import energy.dispatch.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeliveryStateTest {

  private static final String EDGE = "edge_a";
  private static final Duration EXCLUSIVE = Duration.ofSeconds(30);
  private final CloudSettings settings = TestSettings.fresh().redisUrl(TestRedis.url())
      .redisKeyPrefix(TestRedis.freshPrefix()).build();
  private final RedisConnection connection = RedisConnection.connect(settings);
  private final DeliveryState state = new DeliveryState(connection);

  @AfterEach
  void close() {
    connection.close();
  }

  @Test
  void an_absent_edge_gets_nothing_sent_and_everything_queued() {
    assertThat(state.admit(EDGE, "c1", 1, 16, EXCLUSIVE)).isEqualTo(Admission.QUEUE);
    assertThat(state.claimNext(EDGE, 16)).isEmpty();
    assertThat(state.outboxSize(EDGE)).isEqualTo(1);
  }

  @Test
  void a_present_edge_takes_commands_up_to_its_window() {
    state.markPresence(EDGE, true, "{}", -1);

    assertThat(state.admit(EDGE, "c1", 1, 2, EXCLUSIVE)).isEqualTo(Admission.SEND);
    assertThat(state.admit(EDGE, "c2", 2, 2, EXCLUSIVE)).isEqualTo(Admission.SEND);
    assertThat(state.admit(EDGE, "c3", 3, 2, EXCLUSIVE)).isEqualTo(Admission.QUEUE);
    assertThat(state.claimNext(EDGE, 2)).isEmpty();

    state.releaseInFlight(EDGE, "c1");
    assertThat(state.claimNext(EDGE, 2)).map(Claimed::commandId).contains("c3");
  }

  @Test
  void a_second_admission_of_the_same_command_is_held_whether_the_first_sent_or_queued_it() {
    state.markPresence(EDGE, true, "{}", -1);
    assertThat(state.admit(EDGE, "sent_once", 1, 1, EXCLUSIVE)).isEqualTo(Admission.SEND);
    assertThat(state.admit(EDGE, "queued_once", 2, 1, EXCLUSIVE)).isEqualTo(Admission.QUEUE);

    assertThat(state.admit(EDGE, "sent_once", 1, 1, EXCLUSIVE)).isEqualTo(Admission.HELD);
    assertThat(state.admit(EDGE, "queued_once", 2, 1, EXCLUSIVE)).isEqualTo(Admission.HELD);
    assertThat(state.outboxSize(EDGE)).isEqualTo(1);
  }

  @Test
  void a_command_left_half_admitted_is_admitted_again_once_the_exclusivity_lapsed() {
    state.markPresence(EDGE, true, "{}", -1);
    Duration brief = Duration.ofMillis(200);
    assertThat(state.admit(EDGE, "orphan", 1, 16, brief)).isEqualTo(Admission.SEND);

    await().atMost(Duration.ofSeconds(5))
        .until(() -> state.admit(EDGE, "orphan", 1, 16, EXCLUSIVE) == Admission.SEND);
    assertThat(state.isInFlight(EDGE, "orphan")).isTrue();
  }

  @Test
  void the_outbox_gives_higher_priorities_first_then_submission_order() {
    state.enqueue(EDGE, "normal_5", DeliveryState.score(Priority.NORMAL, 5));
    state.enqueue(EDGE, "normal_7", DeliveryState.score(Priority.NORMAL, 7));
    state.enqueue(EDGE, "high_9", DeliveryState.score(Priority.HIGH, 9));
    state.enqueue(EDGE, "emergency_11", DeliveryState.score(Priority.EMERGENCY, 11));
    state.markPresence(EDGE, true, "{}", -1);

    assertThat(state.claimNext(EDGE, 16)).map(Claimed::commandId).contains("emergency_11");
    assertThat(state.claimNext(EDGE, 16)).map(Claimed::commandId).contains("high_9");
    assertThat(state.claimNext(EDGE, 16)).map(Claimed::commandId).contains("normal_5");
    assertThat(state.claimNext(EDGE, 16)).map(Claimed::commandId).contains("normal_7");
  }

  @Test
  void only_the_first_report_of_coming_online_counts_as_a_reconnect() {
    assertThat(state.markPresence(EDGE, true, "{}", 1_000)).isTrue();
    assertThat(state.markPresence(EDGE, true, "{}", 2_000)).isFalse();
    assertThat(state.markPresence(EDGE, false, "{}", 3_000)).isFalse();
    assertThat(state.markPresence(EDGE, true, "{}", 4_000)).isTrue();
  }

  @Test
  void the_late_will_of_a_taken_over_session_does_not_mark_the_new_one_offline() {
    state.markPresence(EDGE, true, "{\"at\": \"new session\"}", 5_000);

    state.markPresence(EDGE, false, "{\"at\": \"old session\"}", 4_000);

    assertThat(state.isPresent(EDGE)).isTrue();
  }

  @Test
  void a_removed_command_can_be_taken_out_of_the_outbox_only_once() {
    state.enqueue(EDGE, "c1", 1);

    assertThat(state.removeFromOutbox(EDGE, "c1")).isTrue();
    assertThat(state.removeFromOutbox(EDGE, "c1")).isFalse();
  }
}
