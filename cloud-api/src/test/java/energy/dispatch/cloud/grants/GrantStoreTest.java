package energy.dispatch.cloud.grants;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.internal.Database;
import energy.dispatch.cloud.support.TestSettings;
import java.sql.PreparedStatement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The grants a node answers from its cache never outlive a change made on that node, over a real database. */
class GrantStoreTest {

  private static final String VIEWER = "user:777";
  private static final String EDGE = "site1_edge_prod";

  private final AtomicBoolean holdNextRead = new AtomicBoolean();
  private final CountDownLatch readHasItsRows = new CountDownLatch(1);
  private final CountDownLatch revokeDone = new CountDownLatch(1);
  private Database database;
  private GrantStore store;

  @BeforeEach
  void start() {
    CloudSettings settings = TestSettings.fresh().build();
    database = Database.connectAndMigrate(settings);
    Jdbi jdbi = Jdbi.create(settings.jdbcUrl(), settings.databaseUser(), settings.databasePassword());
    jdbi.addCustomizer(new HoldReadAfterItsSnapshot());
    store = new GrantStore(jdbi);
  }

  @AfterEach
  void stop() {
    revokeDone.countDown();
    database.close();
  }

  @Test
  void a_revoke_that_lands_while_the_grants_are_being_read_is_not_undone_by_that_read() throws Exception {
    store.grant(new Grant(VIEWER, EDGE, true, false));
    holdNextRead.set(true);
    CompletableFuture<Boolean> readBeforeRevoke = CompletableFuture.supplyAsync(() -> store.canView(VIEWER, EDGE));
    assertThat(readHasItsRows.await(10, TimeUnit.SECONDS)).as("the read reached the database").isTrue();

    store.revoke(VIEWER, EDGE);
    revokeDone.countDown();

    assertThat(readBeforeRevoke.get(10, TimeUnit.SECONDS)).as("the read saw the grant as it was").isTrue();
    assertThat(store.canView(VIEWER, EDGE)).as("the next question after the revoke").isFalse();
  }

  @Test
  void a_grant_given_on_this_node_counts_at_once_after_a_refusal_was_cached() {
    assertThat(store.canControl(VIEWER, EDGE)).isFalse();

    store.grant(new Grant(VIEWER, "site1_*", true, true));

    assertThat(store.canControl(VIEWER, EDGE)).isTrue();
  }

  /** Holds one read of the grants after PostgreSQL took its snapshot until the revoke has returned. */
  private final class HoldReadAfterItsSnapshot implements StatementCustomizer {
    @Override
    public void afterExecution(PreparedStatement statement, StatementContext ctx) {
      if (ctx.getRenderedSql().startsWith("SELECT") && holdNextRead.compareAndSet(true, false)) {
        readHasItsRows.countDown();
        try {
          revokeDone.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
