package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.testing.InteropPeers;
import energy.dispatch.testing.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An optimizer that is not this project's code — Debian's {@code mosquitto_pub} and
 * {@code mosquitto_sub} — sends a command over MQTT 5 request/response and reads every status
 * change on its response topic, with its correlation data echoed. The request passes the same
 * checks as a dashboard's.
 */
class OptimizerOverMqttTest {

  static final String SERVICE = "optimizer_a";
  static final String PRINCIPAL = "service:" + SERVICE;
  static final String RESPONSES = "dispatch/v1/services/" + SERVICE + "/responses/";

  @TempDir
  static Path folder;

  static LocalSystem system;
  static String secret;
  static TestPostgres.Database database;
  final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void startSystem() {
    InteropPeers.require(Files.isExecutable(Path.of("/usr/bin/mosquitto_pub")) ? null : "mosquitto_pub is missing",
        "apt-get install -y mosquitto-clients");
    database = TestPostgres.freshDatabase();
    system = TestSystems.start(TestSystems.settings(database, CredentialHash.newSecret()).build(), folder,
        List.of("site1_edge_prod"));
    secret = system.cloud().registerService(SERVICE);
    system.cloud().grant(PRINCIPAL, "site1_*", true, true);
    // The broker reads new credentials within its refresh interval.
    await().atMost(Duration.ofSeconds(30)).until(OptimizerOverMqttTest::brokerAdmitsTheService);
  }

  static boolean brokerAdmitsTheService() throws IOException, InterruptedException {
    Process probe = new ProcessBuilder("/usr/bin/mosquitto_sub", "-h", "127.0.0.1",
        "-p", Integer.toString(system.broker().port()), "-V", "mqttv5", "-u", PRINCIPAL, "-P", secret,
        "-i", "service-" + SERVICE + "-probe", "-t", RESPONSES + "probe", "-W", "1").redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    probe.waitFor();
    return !output.contains("Connection error");
  }

  @AfterAll
  static void stopSystem() {
    if (system != null) {
      system.close();
    }
  }

  @AfterEach
  void stopClients() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void optimizer_request_is_executed_and_every_status_reaches_its_response_topic_with_its_correlation() {
    List<String> responses = subscribeToResponses();

    publishRequest(command("opt_cmd_1", "site1_edge_prod"), RESPONSES + "run-7", "corr-42");

    await().atMost(Duration.ofSeconds(60)).until(() -> statuses(responses, "opt_cmd_1").contains("executed"));
    assertThat(statuses(responses, "opt_cmd_1")).containsSubsequence("accepted", "sent", "delivered", "executed");
    assertThat(responses).allSatisfy(line -> assertThat(line).startsWith("corr-42|" + RESPONSES + "run-7|"));
    assertThat(system.site("site1_edge_prod").simulator().model().setpointWatts()).isEqualTo(-20_000.0);
  }

  @Test
  void optimizer_without_a_grant_on_the_edge_is_refused_on_its_response_topic() {
    List<String> responses = subscribeToResponses();

    publishRequest(command("opt_cmd_2", "site2_edge_prod"), RESPONSES + "run-8", "corr-43");

    await().atMost(Duration.ofSeconds(60)).until(() -> statuses(responses, "opt_cmd_2").contains("refused"));
    assertThat(responses).anySatisfy(line -> assertThat(line).contains("\"code\":\"forbidden\""));
  }

  @Test
  void optimizer_cannot_publish_to_an_edge_command_topic_directly() throws Exception {
    int writesBefore = system.site("site1_edge_prod").simulator().writeCount(1, 0);

    Process direct = mosquitto("mosquitto_pub", "-d", "-i", "service-" + SERVICE + "-direct", "-q", "1",
        "-t", "dispatch/v1/edges/site1_edge_prod/commands", "-m", command("opt_cmd_3", "site1_edge_prod").toString());
    String output = new String(direct.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    direct.waitFor();

    assertThat(output).as("the broker answers the publish with reason code 135, not authorized").contains("RC:135");
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> system.site("site1_edge_prod").simulator().writeCount(1, 0) == writesBefore);
  }

  static ObjectNode command(String commandId, String edgeId) {
    ObjectNode command = Json.mapper().createObjectNode()
        .put("command_id", commandId).put("command_type", "setpoint").put("value", -20_000).put("unit", "W")
        .put("hold_sec", 600).put("expiry_sec", 120);
    command.putObject("target").put("edge_id", edgeId).put("device_id", "bms_main").put("channel", "SetActivePower");
    return command;
  }

  List<String> subscribeToResponses() {
    List<String> lines = new CopyOnWriteArrayList<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Process subscriber = mosquitto("mosquitto_sub", "-i", "service-" + SERVICE + "-sub-" + processes.size(),
          "-q", "1", "-t", RESPONSES + "#", "-F", "%D|%t|%p");
      collect(subscriber, lines);
      // A refused login ends the process; a subscriber that stays up is in.
      return !subscriber.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
    });
    return lines;
  }

  void publishRequest(ObjectNode command, String responseTopic, String correlation) {
    await().atMost(Duration.ofSeconds(30)).until(() -> mosquitto("mosquitto_pub", "-i", "service-" + SERVICE + "-pub",
        "-q", "1", "-t", "dispatch/v1/services/" + SERVICE + "/requests",
        "-D", "publish", "response-topic", responseTopic, "-D", "publish", "correlation-data", correlation,
        "-m", command.toString()).waitFor() == 0);
  }

  static List<String> statuses(List<String> lines, String commandId) {
    List<String> statuses = new ArrayList<>();
    for (String line : lines) {
      JsonNode status = payload(line);
      if (commandId.equals(status.path("command_id").asText())) {
        statuses.add(status.path("status").asText());
      }
    }
    return statuses;
  }

  static JsonNode payload(String line) {
    try {
      return Json.mapper().readTree(line.substring(line.indexOf('|', line.indexOf('|') + 1) + 1));
    } catch (IOException e) {
      throw new UncheckedIOException("not a status on the response topic: " + line, e);
    }
  }

  /** Runs a mosquitto client as the optimizer; its password is on its command line only in this test. */
  Process mosquitto(String tool, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/" + tool, "-h", "127.0.0.1",
        "-p", Integer.toString(system.broker().port()), "-V", "mqttv5", "-u", PRINCIPAL, "-P", secret));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(process);
    return process;
  }

  static void collect(Process process, List<String> lines) {
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.contains("|")) {
            lines.add(line);
          }
        }
      } catch (IOException ended) {
        // the process was stopped
      }
    }, "mosquitto-sub-reader");
    reader.setDaemon(true);
    reader.start();
  }
}
