package energy.dispatch.cloud.audit;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.cloud.audit.TokenRefusalAudit.EntryPoint;
import energy.dispatch.cloud.audit.TokenRefusalAudit.Refusal;
import energy.dispatch.cloud.internal.Database;
import energy.dispatch.cloud.internal.GroupCommitWriter;
import energy.dispatch.cloud.internal.StripedExecutor;
import energy.dispatch.cloud.support.TestSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bound on what a flood of refused tokens costs PostgreSQL, over a real database. */
class TokenRefusalAuditTest {

  private static final int MAX_SOURCES = 50;

  private Database database;
  private StripedExecutor completions;
  private GroupCommitWriter writer;
  private TokenRefusalAudit audit;

  @BeforeEach
  void start() {
    database = Database.connectAndMigrate(TestSettings.fresh().build());
    completions = new StripedExecutor(2, "test-completions");
    writer = new GroupCommitWriter(database.jdbi(), 2, 100, completions);
    // a window of an hour: only the test's own flush() writes
    audit = new TokenRefusalAudit(writer, Clock.systemUTC(), Duration.ofHours(1), MAX_SOURCES);
  }

  @AfterEach
  void stop() {
    audit.close();
    writer.close();
    completions.close();
    database.close();
  }

  @Test
  void refusals_from_one_source_in_one_window_are_one_row_counting_them() {
    for (int i = 0; i < 10_000; i++) {
      audit.record(new Refusal(EntryPoint.REST, "bad_signature", "192.0.2.7", null, null));
    }

    assertThat(audit.flush().join()).isEqualTo(1);
    assertThat(rows()).singleElement().satisfies(row -> assertThat(row).containsEntry("attempts", 10_000)
        .containsEntry("remote_address", "192.0.2.7").containsEntry("folded", false));
  }

  @Test
  void sources_beyond_the_bound_are_folded_into_one_row_per_entry_point_and_reason() {
    int sources = 2_000;
    for (int i = 0; i < sources; i++) {
      audit.record(new Refusal(EntryPoint.WS_AUTH_MESSAGE, "expired", "10.0." + (i / 256) + "." + (i % 256), null,
          "user" + i));
    }

    assertThat(audit.flush().join()).isEqualTo(MAX_SOURCES + 1);
    List<Map<String, Object>> rows = rows();
    assertThat(rows).hasSize(MAX_SOURCES + 1);
    assertThat(rows).filteredOn(row -> (Boolean) row.get("folded")).singleElement().satisfies(folded ->
        assertThat(folded).containsEntry("attempts", sources - MAX_SOURCES).containsEntry("remote_address", null)
            .containsEntry("claimed_user_id", null));
    assertThat(rows.stream().mapToInt(row -> (Integer) row.get("attempts")).sum()).isEqualTo(sources);
  }

  @Test
  void a_window_starts_empty_after_its_rows_are_written() {
    audit.record(new Refusal(EntryPoint.REST, "missing", "192.0.2.8", null, null));
    audit.flush().join();

    assertThat(audit.flush().join()).isZero();
    assertThat(rows()).hasSize(1);
  }

  @Test
  void a_write_the_writer_refuses_is_logged_and_never_fails_the_flush() {
    writer.close();
    audit.record(new Refusal(EntryPoint.REST, "malformed", "192.0.2.9", null, null));

    assertThat(audit.flush().join()).isZero();
    assertThat(rows()).isEmpty();
  }

  private List<Map<String, Object>> rows() {
    return database.jdbi().withHandle(h -> h.createQuery(
        "SELECT remote_address, claimed_user_id, attempts, folded FROM token_refusals").mapToMap().list());
  }
}
