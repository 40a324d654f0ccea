package energy.dispatch.launcher;

import static energy.dispatch.launcher.TestSystems.dispatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.launcher.TestSystems.Run;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.testing.FreePorts;
import energy.dispatch.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The operator's CLI against a running broker and cloud, in-process, with real HTTP and WebSocket. */
class CliTest {

  @TempDir
  static Path folder;

  static LocalSystem system;
  static Path adminToken;

  @BeforeAll
  static void startSystem() throws Exception {
    TestPostgres.Database database = TestPostgres.freshDatabase();
    CloudSettings settings = TestSystems.settings(database, CredentialHash.newSecret())
        .adminUserIds(Set.of(LocalSystem.DEMO_USER_ID))
        .build();
    system = TestSystems.start(settings, folder, List.of());
    adminToken = Files.writeString(folder.resolve("admin.token"), system.operatorToken(Duration.ofMinutes(30)));
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  static String api() {
    return "http://127.0.0.1:" + system.cloud().httpPort();
  }

  @Test
  void register_edge_prints_a_fresh_secret_once() {
    Run run = dispatch("admin", "register-edge", "--api", api(), "--token-file", adminToken.toString(),
        "--edge-id", "site7_edge_cli", "--site-id", "site7");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("site7_edge_cli secret \\(shown once\\): [A-Za-z0-9_-]{43}");
  }

  @Test
  void upload_of_an_invalid_config_fails_naming_the_problem() throws Exception {
    dispatch("admin", "register-edge", "--api", api(), "--token-file", adminToken.toString(),
        "--edge-id", "site8_edge_cli", "--site-id", "site8");
    Path invalid = Files.writeString(folder.resolve("invalid.json"),
        "{\"edge_id\": \"site8_edge_cli\", \"version\": 1, \"devices\": []}");

    Run run = dispatch("admin", "upload-config", "--api", api(), "--token-file", adminToken.toString(),
        "--edge-id", "site8_edge_cli", "--file", invalid.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("invalid_config").contains("devices");
  }

  @Test
  void grant_by_a_user_who_is_not_an_admin_is_refused() throws Exception {
    Path userToken = Files.writeString(folder.resolve("user.token"),
        system.cloud().mintDevToken("789", Duration.ofMinutes(5)));

    Run run = dispatch("admin", "grant", "--api", api(), "--token-file", userToken.toString(),
        "--principal", "user:789", "--edges", "*", "--control");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("403").contains("forbidden");
  }

  @Test
  void grant_without_an_access_level_is_refused_naming_both_flags() {
    Run run = admin("grant", "--principal", "user:790", "--edges", "site1_*");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--view").contains("--control");
    assertThat(run.out()).doesNotContain("granted");
  }

  @Test
  void grant_with_view_says_it_grants_no_control() {
    Run run = admin("grant", "--principal", "user:791", "--edges", "site1_*", "--view");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("granted user:791 on site1_*: view only, no control");
  }

  @Test
  void grants_are_listed_for_everyone_or_one_principal() {
    admin("grant", "--principal", "user:792", "--edges", "site2_*", "--view");
    admin("grant", "--principal", "user:792", "--edges", "site3_edge", "--control");

    Run ofOne = admin("list-grants", "--principal", "user:792");
    Run all = admin("list-grants");
    Run none = admin("list-grants", "--principal", "user:793");

    assertThat(List.of(ofOne, all, none)).extracting(Run::exitCode).containsOnly(0);
    assertThat(ofOne.out().lines()).containsExactly("user:792 on site2_*: view", "user:792 on site3_edge: view and control");
    assertThat(all.out()).contains("user:792 on site2_*: view");
    assertThat(none.out()).contains("no grants of user:793");
  }

  @Test
  void an_edge_is_revoked_from_the_cli_and_an_unknown_one_is_named() {
    admin("register-edge", "--edge-id", "site9_edge_cli", "--site-id", "site9");

    Run revoked = admin("revoke-edge", "--edge-id", "site9_edge_cli");
    Run unknown = admin("revoke-edge", "--edge-id", "site9_edge_nobody");

    assertThat(revoked.exitCode()).isZero();
    assertThat(revoked.out()).contains("revoked edge site9_edge_cli");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown_edge").contains("site9_edge_nobody");
  }

  @Test
  void a_service_is_registered_rotated_revoked_and_listed_from_the_cli() {
    Run registered = admin("register-service", "--name", "optimizer_cli");
    Run rotated = admin("rotate-service-secret", "--name", "optimizer_cli");
    Run revoked = admin("revoke-service", "--name", "optimizer_cli");
    Run listed = admin("list-services");

    String shownOnce = "service:optimizer_cli secret \\(shown once\\): [A-Za-z0-9_-]{43}";
    assertThat(List.of(registered, rotated, revoked, listed)).extracting(Run::exitCode).containsOnly(0);
    assertThat(registered.out()).containsPattern(shownOnce);
    assertThat(rotated.out()).containsPattern(shownOnce).isNotEqualTo(registered.out());
    assertThat(revoked.out()).contains("revoked service:optimizer_cli");
    assertThat(listed.out()).containsPattern("service:optimizer_cli credential version 2 revoked at 20\\d\\d-");
  }

  @Test
  void register_service_with_an_invalid_name_fails_naming_the_problem() {
    Run run = admin("register-service", "--name", "optimizer/cli");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("400").contains("schema_violation").contains("service_name must be");
  }

  @Test
  void register_service_with_a_dash_in_the_name_fails_stating_the_rule() {
    Run run = admin("register-service", "--name", "opt-1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("400").contains("schema_violation")
        .contains("service_name must be 1-64 letters, digits or _, without '-'").contains("got 'opt-1'");
  }

  @Test
  void register_service_with_a_taken_name_fails_with_a_conflict() {
    admin("register-service", "--name", "optimizer_taken");

    Run run = admin("register-service", "--name", "optimizer_taken");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("409").contains("service_exists").doesNotContain("secret (shown once)");
  }

  /** {@code ./dispatch admin <args>} as the administrator. */
  static Run admin(String... args) {
    List<String> line = new java.util.ArrayList<>(List.of("admin", args[0], "--api", api(), "--token-file",
        adminToken.toString()));
    line.addAll(List.of(args).subList(1, args.length));
    return dispatch(line.toArray(String[]::new));
  }

  @Test
  void send_to_an_edge_without_a_grant_prints_the_refusal_and_exits_1() throws Exception {
    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", adminToken.toString(),
        "--edge", "site9_edge_nowhere", "--device", "bms_main", "--channel", "SetActivePower", "--value", "1000");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("refused [forbidden]");
  }

  @Test
  void send_without_a_value_refuses_instead_of_releasing_the_hold() {
    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", adminToken.toString(),
        "--edge", "site1_edge_prod", "--device", "bms_main", "--channel", "SetActivePower");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--value is required").contains("--value null");
  }

  @Test
  void send_of_a_missing_json_file_names_the_file() {
    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", adminToken.toString(),
        "--json", "/no/such/command.json");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--json file /no/such/command.json does not exist");
  }

  @Test
  void send_without_a_token_says_where_to_get_one() {
    Path missing = folder.resolve("no-such-token");

    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", missing.toString(),
        "--edge", "site1_edge_prod", "--value", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("token file " + missing + " does not exist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5"})
  void send_with_a_wait_below_one_second_is_refused_before_anything_is_sent(String waitSec) throws Exception {
    String id = "cli_wait_" + waitSec.replace('-', 'm');

    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", adminToken.toString(),
        "--id", id, "--edge", "site1_edge_prod", "--value", "1", "--wait-sec", waitSec);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--wait-sec must be at least 1").contains("nothing was sent");
    assertThatThrownBy(() -> adminApi().send("GET", "/api/v1/commands/" + id, null))
        .hasMessageContaining("unknown_command");
  }

  @Test
  void send_to_an_offline_edge_exits_3_with_the_last_status_and_where_to_follow_it() {
    system.registerBareEdge("site4_edge_offline");
    admin("grant", "--principal", "user:" + LocalSystem.DEMO_USER_ID, "--edges", "site4_edge_offline", "--control");

    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", adminToken.toString(),
        "--id", "cli_offline", "--edge", "site4_edge_offline", "--device", "bms_main", "--channel", "SetActivePower",
        "--value", "1000", "--wait-sec", "1");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(SendCommand.OUTCOME_UNKNOWN);
    assertThat(run.out()).startsWith("cli_offline accepted");
    assertThat(run.err()).contains("command cli_offline was sent, outcome not yet known")
        .containsPattern("last status [a-z_]+")
        .contains("Do not send it again")
        .contains("GET " + api() + "/api/v1/commands/cli_offline");
  }

  @Test
  void send_help_documents_every_exit_code() {
    Run run = dispatch("send", "--help");

    assertThat(run.out()).contains("Exit codes:").containsPattern("0\\s+executed")
        .containsPattern("2\\s+not sent").containsPattern("3\\s+sent, but no final status");
  }

  @Test
  void send_to_a_port_where_nothing_listens_says_the_cloud_cannot_be_reached() {
    String url = "ws://127.0.0.1:" + FreePorts.next() + "/ws";

    Run run = dispatch("send", "--url", url, "--token-file", adminToken.toString(),
        "--edge", "site1_edge_prod", "--value", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot connect to " + url + " (connection refused): is the cloud running?")
        .contains("--url").doesNotContain("null");
  }

  @Test
  void admin_against_a_port_where_nothing_listens_says_the_cloud_cannot_be_reached() {
    String api = "http://127.0.0.1:" + FreePorts.next();

    Run run = dispatch("admin", "list-services", "--api", api, "--token-file", adminToken.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot connect to " + api + " (connection refused): is the cloud running?")
        .contains("--api").doesNotContain("null");
  }

  @Test
  void send_of_a_file_that_is_not_json_names_the_file_and_the_place() throws Exception {
    Path broken = Files.writeString(folder.resolve("broken-command.json"), "{\"command_id\": \"x\",\n  oops}");

    Run run = dispatch("send", "--url", system.cloud().webSocketUrl(), "--token-file", adminToken.toString(),
        "--json", broken.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(broken + " is not valid JSON at line 2, column");
  }

  @Test
  void upload_of_a_file_that_is_not_json_names_the_file_and_the_place() throws Exception {
    Path broken = Files.writeString(folder.resolve("broken-config.json"), "{\"edge_id\": ");

    Run run = admin("upload-config", "--edge-id", "site1_edge_prod", "--file", broken.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(broken + " is not valid JSON at line 1, column");
  }

  @Test
  void every_admin_option_has_a_description() {
    CommandLine admin = Dispatch.commandLine().getSubcommands().get("admin");

    assertThat(admin.getSubcommands().values())
        .flatExtracting(sub -> sub.getCommandSpec().options())
        .allSatisfy(option -> assertThat(String.join("", option.description())).as(option.longestName()).isNotBlank());
  }

  @Test
  void list_services_says_so_when_there_are_none() throws Exception {
    try (LocalSystem empty = TestSystems.start(TestSystems.settings(TestPostgres.freshDatabase(),
        CredentialHash.newSecret()).adminUserIds(Set.of(LocalSystem.DEMO_USER_ID)).build(),
        folder.resolve("empty"), List.of())) {
      Path token = Files.writeString(folder.resolve("empty.token"), empty.operatorToken(Duration.ofMinutes(5)));

      Run run = dispatch("admin", "list-services", "--api", "http://127.0.0.1:" + empty.cloud().httpPort(),
          "--token-file", token.toString());

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("no services registered");
    }
  }

  private static ApiClient adminApi() throws Exception {
    return new ApiClient(HttpClient.newHttpClient(), URI.create(api()), Files.readString(adminToken));
  }
}
