package energy.dispatch.edge.command;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.edge.testing.Commands;
import energy.dispatch.edge.testing.FakeClock;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommandQueueTest {

  private final Commands commands = new Commands(FakeClock.at("2026-02-15T14:30:00Z"));
  private final AtomicLong seq = new AtomicLong();

  private QueuedCommand queued(com.fasterxml.jackson.databind.JsonNode json) throws Exception {
    return new QueuedCommand(seq.incrementAndGet(), Json.mapper().treeToValue(json, Command.class), Deadline.NONE);
  }

  private static List<String> drainIds(CommandQueue queue) {
    List<String> ids = new ArrayList<>();
    Optional<QueuedCommand> next;
    while ((next = queue.poll()).isPresent()) {
      ids.add(next.get().commandId());
    }
    return ids;
  }

  @Test
  void higher_priority_first_and_arrival_order_within_a_priority() throws Exception {
    CommandQueue queue = new CommandQueue(10);
    queue.offer(queued(commands.modeChange("n1", "peak_shaving", "on")));
    queue.offer(queued(commands.modeChange("h1", "peak_shaving", "on").put("priority", "high")));
    queue.offer(queued(commands.modeChange("n2", "peak_shaving", "on")));
    queue.offer(queued(commands.modeChange("e1", "peak_shaving", "on").put("priority", "emergency")));
    queue.offer(queued(commands.modeChange("h2", "peak_shaving", "on").put("priority", "high")));

    assertThat(drainIds(queue)).containsExactly("e1", "h1", "h2", "n1", "n2");
  }

  @Test
  void a_full_queue_refuses_routine_commands_but_keeps_a_reserve_for_emergencies() throws Exception {
    CommandQueue queue = new CommandQueue(2);
    assertThat(queue.offer(queued(commands.modeChange("a", "peak_shaving", "on"))).accepted()).isTrue();
    assertThat(queue.offer(queued(commands.modeChange("b", "peak_shaving", "on"))).accepted()).isTrue();

    assertThat(queue.offer(queued(commands.modeChange("c", "peak_shaving", "on").put("priority", "high")))
        .accepted()).isFalse();
    assertThat(queue.offer(queued(commands.modeChange("e", "peak_shaving", "on").put("priority", "emergency")))
        .accepted()).isTrue();
    assertThat(queue.depth()).isEqualTo(3);
  }

  @Test
  void a_newer_setpoint_supersedes_queued_setpoints_to_the_same_channel_only() throws Exception {
    CommandQueue queue = new CommandQueue(10);
    queue.offer(queued(commands.setpoint("old-high", 1000).put("priority", "high")));
    queue.offer(queued(commands.modeChange("mode", "peak_shaving", "on")));

    CommandQueue.Admission admission = queue.offer(queued(commands.setpoint("new", 2000)));

    assertThat(admission.accepted()).isTrue();
    assertThat(admission.superseded()).extracting(QueuedCommand::commandId).containsExactly("old-high");
    assertThat(drainIds(queue)).containsExactly("mode", "new");
  }

  @Test
  void a_superseding_setpoint_fits_a_full_queue_because_it_takes_the_older_ones_place() throws Exception {
    CommandQueue queue = new CommandQueue(1);
    queue.offer(queued(commands.setpoint("old", 1000)));

    CommandQueue.Admission admission = queue.offer(queued(commands.setpoint("new", 2000)));

    assertThat(admission.accepted()).isTrue();
    assertThat(drainIds(queue)).containsExactly("new");
  }

  @Test
  void poll_emergency_takes_only_emergencies() throws Exception {
    CommandQueue queue = new CommandQueue(10);
    queue.offer(queued(commands.modeChange("n1", "peak_shaving", "on")));
    assertThat(queue.pollEmergency()).isEmpty();
    queue.offer(queued(commands.setpoint("e1", 1000).put("priority", "emergency")));

    assertThat(queue.pollEmergency()).map(QueuedCommand::commandId).contains("e1");
    assertThat(queue.depth()).isEqualTo(1);
  }

  @Test
  void a_setpoint_older_than_one_queued_for_its_channel_is_stale_and_not_queued() throws Exception {
    CommandQueue queue = new CommandQueue(10);
    QueuedCommand older = queued(commands.setpoint("older", 1000));
    QueuedCommand newer = queued(commands.setpoint("newer", 2000));
    queue.offer(newer);

    CommandQueue.Admission admission = queue.offer(older);

    assertThat(admission.outcome()).isEqualTo(CommandQueue.Outcome.STALE);
    assertThat(drainIds(queue)).containsExactly("newer");
  }

  @Test
  void the_same_command_offered_twice_is_queued_once() throws Exception {
    CommandQueue queue = new CommandQueue(10);
    QueuedCommand command = queued(commands.modeChange("once", "peak_shaving", "on"));
    queue.offer(command);

    assertThat(queue.offer(command).accepted()).isTrue();
    assertThat(drainIds(queue)).containsExactly("once");
  }
}
