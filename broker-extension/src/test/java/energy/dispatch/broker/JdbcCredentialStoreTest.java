package energy.dispatch.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.testing.FreePorts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JdbcCredentialStoreTest {

  private static final String CLOUD_HASH = CredentialHash.hash("cloud-secret");
  private static final Duration REFRESH = Duration.ofMillis(100);

  private CredentialDatabase db;
  private JdbcCredentialStore store;

  @BeforeEach
  void createSchema() throws Exception {
    db = CredentialDatabase.fresh();
    store = new JdbcCredentialStore(db.jdbcUrl(), db.user(), db.password(), CLOUD_HASH, REFRESH);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void active_edges_and_services_authenticate_from_the_loaded_rows() throws Exception {
    addEdge("e1", "s1");
    db.update("INSERT INTO edges (edge_id, site_id, secret_hash, revoked_at) VALUES (?, 'site1', ?, now())",
        "e2", CredentialHash.hash("s2"));
    db.update("INSERT INTO edges (edge_id, site_id) VALUES (?, 'site1')", "e3");
    db.update("INSERT INTO services (service_name, secret_hash) VALUES (?, ?)", "opt", CredentialHash.hash("s4"));

    store.start();

    assertThat(store.authenticate("e1", "e1", bytes("s1"))).contains(MqttPrincipal.edge("e1"));
    assertThat(store.authenticate("e2", "e2", bytes("s2"))).isEmpty();
    assertThat(store.authenticate("e3", "e3", bytes(""))).isEmpty();
    assertThat(store.authenticate("service-opt", "service:opt", bytes("s4"))).contains(MqttPrincipal.service("opt"));
    assertThat(store.authenticate("cloud-1", "cloud", bytes("cloud-secret"))).contains(MqttPrincipal.cloud());
    assertThat(store.authenticate("e1", "e1", bytes("s2"))).isEmpty();
  }

  @Test
  void a_service_row_whose_name_has_a_dash_is_left_out_saying_why_once_and_cannot_log_in() throws Exception {
    db.update("INSERT INTO services (service_name, secret_hash) VALUES (?, ?)", "opt-1", CredentialHash.hash("s5"));
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    Logger log = (Logger) LoggerFactory.getLogger(JdbcCredentialStore.class);
    captured.start();
    log.addAppender(captured);
    try {
      store.start();

      assertThat(store.authenticate("service-opt-1", "service:opt-1", bytes("s5"))).isEmpty();
      // several refreshes (every 100 ms) read the row again without repeating the line
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
          .until(() -> linesAbout("opt-1", captured) == 1);
    } finally {
      log.detachAppender(captured);
    }
  }

  @Test
  void revoked_and_rotated_credentials_are_reported_after_the_next_refresh() throws Exception {
    addEdge("e1", "s1");
    addEdge("e2", "s2");
    store.start();
    List<MqttPrincipal> revoked = new CopyOnWriteArrayList<>();
    store.onRevoked(revoked::add);

    db.update("UPDATE edges SET revoked_at = now() WHERE edge_id = ?", "e1");
    db.update("UPDATE edges SET secret_hash = ? WHERE edge_id = ?", CredentialHash.hash("s2-new"), "e2");

    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(revoked)
            .containsExactlyInAnyOrder(MqttPrincipal.edge("e1"), MqttPrincipal.edge("e2")));
    assertThat(store.authenticate("e1", "e1", bytes("s1"))).isEmpty();
    assertThat(store.authenticate("e2", "e2", bytes("s2"))).isEmpty();
    assertThat(store.authenticate("e2", "e2", bytes("s2-new"))).contains(MqttPrincipal.edge("e2"));
  }

  @Test
  void a_failed_refresh_keeps_the_last_loaded_credentials() throws Exception {
    addEdge("e1", "s1");
    store.start();

    db.execute("ALTER TABLE edges RENAME TO edges_moved");

    await().atMost(Duration.ofSeconds(10)).until(() -> store.refreshFailures() > 0);
    assertThat(store.authenticate("e1", "e1", bytes("s1"))).contains(MqttPrincipal.edge("e1"));
  }

  @Test
  void start_fails_when_the_database_is_unreachable() {
    JdbcCredentialStore unreachable = new JdbcCredentialStore(
        "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/dispatch?password=hunter2", "u", "p", CLOUD_HASH,
        REFRESH);

    assertThatThrownBy(unreachable::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot load broker credentials")
        .hasMessageNotContaining("=p")
        .hasMessageNotContaining("hunter2");
    unreachable.close();
  }

  @Test
  void a_closed_store_cannot_start_again() {
    store.start();
    store.close();

    assertThatThrownBy(store::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void a_cloud_secret_that_is_not_a_sha256_digest_is_refused() {
    assertThatThrownBy(() -> new JdbcCredentialStore(db.jdbcUrl(), "u", "p", "secret-in-clear", REFRESH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHA-256");
  }

  /** Lines that ignore service {@code name} for its dash; read under the lock the appender writes with. */
  private static long linesAbout(String name, ListAppender<ILoggingEvent> captured) {
    synchronized (captured) {
      return captured.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(line -> line.contains("name='" + name + "'") && line.contains("without '-'")).count();
    }
  }

  private void addEdge(String edgeId, String secret) throws Exception {
    db.update("INSERT INTO edges (edge_id, site_id, secret_hash) VALUES (?, 'site1', ?)", edgeId,
        CredentialHash.hash(secret));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
