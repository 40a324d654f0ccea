package energy.dispatch.cloud.internal;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.testing.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.assertj.core.api.Assertions;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupCommitWriterTest {

  private Jdbi jdbi;
  private StripedExecutor completions;
  private GroupCommitWriter writer;

  @BeforeEach
  void start() {
    TestPostgres.Database database = TestPostgres.freshDatabase();
    jdbi = Jdbi.create(database.jdbcUrl(), database.user(), database.password());
    jdbi.useHandle(h -> h.execute("CREATE TABLE log (key text, seq int, at timestamptz DEFAULT clock_timestamp(),"
        + " id bigserial)"));
    completions = new StripedExecutor(4, "test-completions");
    writer = new GroupCommitWriter(jdbi, 3, 10_000, completions);
  }

  @AfterEach
  void stop() {
    writer.close();
    completions.close();
  }

  @Test
  void every_write_is_committed_before_its_caller_hears_of_it() {
    List<CompletableFuture<Integer>> done = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      int seq = i;
      done.add(writer.submit("edge_" + (i % 7), h -> h.execute("INSERT INTO log (key, seq) VALUES (?, ?)",
          "edge_" + (seq % 7), seq)).thenApply(rows -> countWith(seq)));
    }

    assertThat(done.stream().map(CompletableFuture::join)).containsOnly(1);
  }

  @Test
  void writes_of_one_key_commit_and_complete_in_submission_order() {
    List<Integer> completed = java.util.Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> done = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int seq = i;
      done.add(writer.submit("one_edge", h -> h.execute("INSERT INTO log (key, seq) VALUES ('one_edge', ?)", seq))
          .thenRun(() -> completed.add(seq)));
    }
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();

    List<Integer> committed = jdbi.withHandle(h -> h.createQuery("SELECT seq FROM log ORDER BY id").mapTo(Integer.class)
        .list());
    assertThat(committed).isSorted().hasSize(500);
    assertThat(completed).isSorted();
  }

  @Test
  void a_failing_write_fails_only_its_own_caller() {
    CompletableFuture<Integer> good = writer.submit("k", h -> h.execute("INSERT INTO log (key, seq) VALUES ('k', 1)"));
    CompletableFuture<Integer> bad = writer.submit("k", h -> h.execute("INSERT INTO no_such_table VALUES (1)"));
    CompletableFuture<Integer> alsoGood = writer.submit("k", h -> h.execute("INSERT INTO log (key, seq) VALUES ('k', 2)"));

    assertThat(good.join()).isEqualTo(1);
    assertThat(alsoGood.join()).isEqualTo(1);
    Assertions.assertThatThrownBy(bad::join).isInstanceOf(CompletionException.class);
    int rows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM log").mapTo(Integer.class).one());
    assertThat(rows).isEqualTo(2);
  }

  private int countWith(int seq) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM log WHERE seq = :seq").bind("seq", seq)
        .mapTo(Integer.class).one());
  }
}
