package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker SIGKILLed while it had acks in flight to the cloud (handed over, not yet
 * acknowledged). HiveMQ CE keeps such messages of a shared subscription marked in flight in its
 * persisted queue for good, and hands that queue to its subscribers only when it turns non-empty,
 * which it then never does again; the cloud must still hear every later ack at once, not only when
 * something else reaches it (the edge's state report, every 30 s), so that no command it executed
 * times out. Several commands are sent one after another: with acks waiting for the state report,
 * at least one of them would wait longer than the 10 s delivery timer.
 */
class BrokerKilledWithAcksInFlightTest extends OneSiteFaultTest {

  static final String EDGE = "site1_edge_acks_in_flight";
  static final List<WritableChannel> CHANNELS =
      List.of(WritableChannel.REACTIVE_POWER, WritableChannel.SOC_RESERVE, WritableChannel.PV_LIMIT);
  static final int ROUNDS_AFTER_RESTART = 4;

  @BeforeAll
  static void startSystem() {
    startParts(FaultSystem.create(folder, "BrokerKilledWithAcksInFlightTest"), EDGE, false);
    site.agent().start();
  }

  @Test
  void results_reach_the_cloud_at_once_after_the_broker_died_with_acks_in_flight_to_the_cloud() {
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    Batch batch = new Batch(site, audit);

    // The edge frozen: the broker holds the commands for it.
    site.agent().freeze();
    for (WritableChannel channel : CHANNELS) {
      CloudClient.Answer answer = node.api().submit(batch.setpoint("in-flight-" + channel, channel, 600));
      assertThat(answer.accepted()).as("%s", answer).isTrue();
    }
    await().atMost(PRESENCE).until(() -> batch.commandIds().stream()
        .allMatch(id -> audit.find(id).map(record -> record.status().equals("sent")).orElse(false)));

    // The cloud frozen: the acks the edge sends now are handed to it and stay unacknowledged.
    node.process().freeze();
    site.agent().thaw();
    await("the broker confirmed every ack of the edge").atMost(PRESENCE)
        .until(() -> confirmedAcks() >= 2L * CHANNELS.size());

    system.broker().kill();
    node.process().thaw();
    system.broker().start();
    await().atMost(PRESENCE).until(() -> node.api().edgeOnline(EDGE));
    batch.assertAllExecutedOnce();

    for (int round = 0; round < ROUNDS_AFTER_RESTART; round++) {
      String commandId = "after-restart-" + round;
      CloudClient.Answer answer = node.api().submit(batch.setpoint(commandId, CHANNELS.get(round % CHANNELS.size()),
          600));
      assertThat(answer.accepted()).as("%s", answer).isTrue();
      batch.assertEnds(commandId, "executed");
    }
    batch.assertAllExecutedOnce();
    batch.commandIds().forEach(id -> assertThat(audit.eventCount(id, "timeout")).as(id).isZero());
  }

  /** Acks the edge journaled and the broker confirmed, read from the edge's journal. */
  private static long confirmedAcks() throws SQLException {
    Path journal = folder.resolve("edges").resolve(EDGE).resolve("journal.db");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:file:" + journal + "?mode=ro");
        Statement query = connection.createStatement();
        ResultSet row = query.executeQuery("SELECT count(*) FROM acks WHERE sent = 1")) {
      return row.next() ? row.getLong(1) : 0;
    }
  }
}
