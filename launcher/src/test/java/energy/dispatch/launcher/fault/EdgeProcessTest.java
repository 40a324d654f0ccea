package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.broker.embedded.BrokerSettings;
import energy.dispatch.broker.embedded.EmbeddedBroker;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import energy.dispatch.simulator.SiteModel;
import energy.dispatch.simulator.SiteSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dispatch edge} process as an operator's supervisor sees it: what makes it refuse to
 * start or exit. A real broker and a simulated site run in this JVM; the agents are their own JVMs.
 */
@Tag("fault")
class EdgeProcessTest {

  private static final String EDGE = "site1_edge_process";
  private static final Pattern READY = Pattern.compile("^edge \\S+ started");

  @TempDir
  Path folder;

  private final List<AutoCloseable> parts = new ArrayList<>();
  private final String cloudSecret = CredentialHash.newSecret();
  private final String edgeSecret = CredentialHash.newSecret();
  private EmbeddedBroker broker;
  private Path configFile;

  @BeforeEach
  void site() throws Exception {
    broker = EmbeddedBroker.start(BrokerSettings.defaults(Files.createDirectories(folder.resolve("broker"))),
        StaticCredentialStore.withCloudSecret(cloudSecret).putEdge(EDGE, CredentialHash.hash(edgeSecret)));
    parts.add(broker);
    SiteSimulator simulator = SiteSimulator.start(0, SiteModel.demo());
    parts.add(simulator);
    ObjectNode config = (ObjectNode) Json.mapper().readTree(Path.of("..", "config", "sites", "site1_edge_prod.json")
        .toFile());
    config.put("edge_id", EDGE);
    config.withArray("devices").forEach(device -> ((ObjectNode) device).put("host", "127.0.0.1")
        .put("port", simulator.port()));
    configFile = folder.resolve("capability-config.json");
    Files.writeString(configFile, config.toString());
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = parts.size() - 1; i >= 0; i--) {
      parts.get(i).close();
    }
  }

  private PartProcess agent(String name) {
    PartProcess agent = new PartProcess(name, List.of("edge", "--edge-id", EDGE, "--config", configFile.toString(),
        "--journal", folder.resolve("journal.db").toString(), "--broker-port", Integer.toString(broker.port())),
        Map.of("DISPATCH_EDGE_SECRET", edgeSecret, "DISPATCH_MQTT_HOST", "127.0.0.1"), READY,
        folder.resolve("logs"), PartProcess.EDGE_HEAP);
    parts.add(agent::kill);
    return agent;
  }

  /** The cloud's side: waits for the edge to be online, then sends it a command. */
  private Mqtt5BlockingClient cloud() {
    Mqtt5BlockingClient cloud = Mqtt5Client.builder().identifier("cloud-" + EDGE).serverHost("127.0.0.1")
        .serverPort(broker.port()).simpleAuth().username("cloud").password(cloudSecret.getBytes(StandardCharsets.UTF_8))
        .applySimpleAuth().buildBlocking();
    cloud.connect();
    parts.add(cloud::disconnect);
    return cloud;
  }

  private void awaitOnline(Mqtt5BlockingClient cloud) {
    AtomicBoolean online = new AtomicBoolean();
    cloud.toAsync().publishes(MqttGlobalPublishFilter.ALL, publish -> {
      String state = new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
      online.compareAndSet(false, state.contains("\"online\":true"));
    });
    cloud.subscribeWith().topicFilter(Topics.state(EDGE)).qos(MqttQos.AT_LEAST_ONCE).send();
    await().atMost(Duration.ofSeconds(30)).untilTrue(online);
  }

  @Test
  void a_restart_that_cannot_start_the_agent_again_ends_the_process_non_zero_saying_why() throws Exception {
    PartProcess agent = agent("edge-restart-fails").start();
    Mqtt5BlockingClient cloud = cloud();
    awaitOnline(cloud);
    // The operator broke the config file while the agent ran: the restart reads it and cannot start.
    Files.writeString(configFile, "{\"edge_id\": \"" + EDGE + "\"}");

    ObjectNode restart = Json.mapper().createObjectNode().put("command_id", "restart-fails")
        .put("command_type", "system").put("value", "restart")
        .put("expires_at", Instant.now().plusSeconds(300).toString());
    restart.putObject("target").put("edge_id", EDGE);
    cloud.publishWith().topic(Topics.commands(EDGE)).qos(MqttQos.AT_LEAST_ONCE)
        .payload(restart.toString().getBytes(StandardCharsets.UTF_8)).send();

    assertThat(agent.awaitExit(Duration.ofSeconds(60))).isNotZero();
    assertThat(agent.output()).anyMatch(line -> line.contains("edge " + EDGE + " stopped because its restart failed")
        && line.contains("capability config " + configFile + " is invalid"));
  }

  @Test
  void a_second_agent_process_on_the_same_journal_refuses_to_start_naming_the_lock() {
    agent("edge-first").start();

    PartProcess second = agent("edge-second").launch();

    assertThat(second.awaitExit(Duration.ofSeconds(60))).isNotZero();
    assertThat(second.output()).anyMatch(line -> line.startsWith("dispatch edge: journal ")
        && line.contains("is in use by another edge agent (lock " + folder.resolve("journal.db.lock") + " is held)"));
  }
}
