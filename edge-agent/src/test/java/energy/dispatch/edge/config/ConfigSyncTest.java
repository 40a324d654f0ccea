package energy.dispatch.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.edge.command.CommandLedger;
import energy.dispatch.edge.journal.Journal;
import energy.dispatch.edge.state.StateEvent;
import energy.dispatch.edge.testing.EdgeHarness;
import energy.dispatch.edge.testing.FakeClock;
import energy.dispatch.schema.Ack;
import energy.dispatch.schema.AckStatus;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config sync: the request, the cloud's answer, validation, the last good file, atomic apply. */
class ConfigSyncTest {

  private static final String EDGE = "site1_edge_prod";

  @TempDir
  Path directory;

  private final FakeClock clock = FakeClock.at("2026-02-15T14:30:00Z");
  private final List<Ack> acks = new ArrayList<>();
  private final List<StateEvent> events = new ArrayList<>();
  private final List<byte[]> requests = new ArrayList<>();
  private final AtomicReference<CapabilityConfig> current = new AtomicReference<>(EdgeHarness.demoConfig());
  private Journal journal;
  private ConfigStore store;
  private ConfigSync sync;
  /** When set, applying a config fails with it, as opening a device or the journal can. */
  private RuntimeException applyFailure;

  @BeforeEach
  void setUp() throws Exception {
    Path file = directory.resolve("config.json");
    Files.copy(EdgeHarness.DEMO_CONFIG, file);
    store = new ConfigStore(file);
    journal = Journal.open(directory.resolve("journal.db"));
    CommandLedger ledger = new CommandLedger(journal, ack -> acks.add(parse(ack.payload())), clock);
    sync = new ConfigSync(EDGE, store, ledger, current::get, (config, outcome) -> {
      if (applyFailure != null) {
        outcome.failed(applyFailure);
        return;
      }
      current.set(config);
      outcome.applied();
    }, (raised, change) -> events.addAll(raised), clock);
    sync.attach((topic, payload) -> requests.add(payload));
  }

  @AfterEach
  void close() {
    journal.close();
  }

  private static Ack parse(String payload) {
    try {
      return Json.mapper().readValue(payload, Ack.class);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode config(int version) throws Exception {
    return ((ObjectNode) Json.mapper().readTree(EdgeHarness.DEMO_CONFIG.toFile())).put("version", version);
  }

  private void answer(String requestId, ObjectNode config) {
    ObjectNode message = Json.mapper().createObjectNode();
    if (requestId != null) {
      message.put("request_id", requestId);
    }
    message.set("config", config);
    sync.onMessage(message.toString().getBytes(StandardCharsets.UTF_8));
  }

  private int versionOnDisk() throws Exception {
    return Json.mapper().readTree(store.path().toFile()).path("version").asInt();
  }

  @Test
  void a_request_names_the_command_and_the_version_in_force() throws Exception {
    sync.request("sync-1");

    assertThat(Json.mapper().readTree(requests.get(0)).path("request_id").asText()).isEqualTo("sync-1");
    assertThat(Json.mapper().readTree(requests.get(0)).path("current_version").asInt()).isEqualTo(1);
  }

  @Test
  void a_valid_answer_is_applied_saved_and_acked_executed() throws Exception {
    sync.request("sync-1");
    answer("sync-1", config(2));

    assertThat(current.get().version()).isEqualTo(2);
    assertThat(versionOnDisk()).isEqualTo(2);
    assertThat(acks).singleElement().satisfies(ack -> assertThat(ack.status()).isEqualTo(AckStatus.EXECUTED));
  }

  @Test
  void a_config_that_fails_to_apply_is_acked_failed_naming_why_and_the_file_keeps_the_last_good_one()
      throws Exception {
    byte[] lastGood = Files.readAllBytes(store.path());
    applyFailure = new IllegalStateException("device bms_main cannot be opened: unknown host bms.invalid");
    sync.request("sync-1");

    answer("sync-1", config(2));

    assertThat(current.get().version()).isEqualTo(1);
    assertThat(Files.readAllBytes(store.path())).isEqualTo(lastGood);
    assertThat(Files.list(directory).map(path -> path.getFileName().toString())).doesNotContain("config.json.new");
    assertThat(acks).singleElement().satisfies(ack -> {
      assertThat(ack.status()).isEqualTo(AckStatus.FAILED);
      assertThat(ack.error().code()).isEqualTo("internal");
      assertThat(ack.error().message()).contains("applying config version 2 failed",
          "device bms_main cannot be opened: unknown host bms.invalid", "version 1 stays in force");
    });
  }

  @Test
  void the_same_version_with_a_different_document_is_refused_and_the_file_stays() throws Exception {
    byte[] lastGood = Files.readAllBytes(store.path());
    sync.request("sync-1");

    answer("sync-1", config(1).put("cycle_period_ms", 500));

    assertThat(current.get()).isEqualTo(EdgeHarness.demoConfig());
    assertThat(Files.readAllBytes(store.path())).isEqualTo(lastGood);
    assertThat(acks).singleElement().satisfies(ack -> {
      assertThat(ack.error().code()).isEqualTo("invalid_config");
      assertThat(ack.error().message()).contains("same version number", "needs a new version");
    });
    assertThat(events).extracting(StateEvent::type).containsExactly(StateEvent.CONFIG_REFUSED);
  }

  @Test
  void the_config_in_force_offered_again_is_acked_executed_and_the_file_is_left_alone() throws Exception {
    FileTime written = Files.getLastModifiedTime(store.path());
    sync.request("sync-1");

    answer("sync-1", config(1));

    assertThat(acks).singleElement().satisfies(ack -> assertThat(ack.status()).isEqualTo(AckStatus.EXECUTED));
    assertThat(Files.getLastModifiedTime(store.path())).isEqualTo(written);
    assertThat(Files.exists(directory.resolve("config.json.new"))).isFalse();
  }

  @Test
  void a_config_in_force_that_cannot_be_saved_is_acked_failed_saying_the_old_file_stays() throws Exception {
    // A non-empty directory where the file should be: the rename over it fails, as on a broken disk.
    Files.delete(store.path());
    Files.createDirectories(store.path().resolve("blocker"));
    sync.request("sync-1");

    answer("sync-1", config(2));

    assertThat(current.get().version()).isEqualTo(2);
    assertThat(acks).singleElement().satisfies(ack -> {
      assertThat(ack.status()).isEqualTo(AckStatus.FAILED);
      assertThat(ack.error().message()).contains("config version 2 is in force but could not be saved to",
          "the next start of the edge loads the config that file holds");
    });
  }

  @Test
  void an_invalid_answer_is_refused_and_the_last_good_config_stays() throws Exception {
    sync.request("sync-1");
    ObjectNode invalid = config(2);
    invalid.withArray("devices").removeAll();
    answer("sync-1", invalid);

    assertThat(current.get().version()).isEqualTo(1);
    assertThat(versionOnDisk()).isEqualTo(1);
    assertThat(acks).singleElement().satisfies(ack -> assertThat(ack.error().code()).isEqualTo("invalid_config"));
    assertThat(events).extracting(StateEvent::type).containsExactly(StateEvent.CONFIG_REFUSED);
  }

  @Test
  void another_edges_config_is_refused() throws Exception {
    sync.request("sync-1");
    answer("sync-1", config(2).put("edge_id", "site2_edge_prod"));

    assertThat(current.get().version()).isEqualTo(1);
    assertThat(acks.get(0).error().message()).contains("site2_edge_prod");
  }

  @Test
  void the_clouds_error_fails_the_command_with_its_code() {
    sync.request("sync-1");
    ObjectNode message = Json.mapper().createObjectNode().put("request_id", "sync-1");
    message.putObject("error").put("code", "unknown_edge").put("message", "no config stored for this edge");
    sync.onMessage(message.toString().getBytes(StandardCharsets.UTF_8));

    assertThat(acks).singleElement().satisfies(ack -> {
      assertThat(ack.status()).isEqualTo(AckStatus.FAILED);
      assertThat(ack.error().code()).isEqualTo("unknown_edge");
    });
  }

  @Test
  void an_unanswered_request_fails_after_the_timeout() {
    sync.request("sync-1");
    sync.expire(clock.instant().plus(Duration.ofSeconds(29)));
    assertThat(acks).isEmpty();

    sync.expire(clock.instant().plus(ConfigSync.ANSWER_TIMEOUT));

    assertThat(acks).singleElement().satisfies(ack -> assertThat(ack.error().code()).isEqualTo("no_acknowledgment"));
  }

  @Test
  void a_pushed_newer_config_is_applied_and_an_older_one_ignored() throws Exception {
    answer(null, config(3));
    assertThat(current.get().version()).isEqualTo(3);

    answer(null, config(2));

    assertThat(current.get().version()).isEqualTo(3);
    assertThat(versionOnDisk()).isEqualTo(3);
    assertThat(acks).isEmpty();
  }

  @Test
  void a_message_that_is_not_json_changes_nothing() {
    sync.request("sync-1");
    sync.onMessage("{oops".getBytes(StandardCharsets.UTF_8));

    assertThat(current.get().version()).isEqualTo(1);
    assertThat(acks).isEmpty();
  }
}
