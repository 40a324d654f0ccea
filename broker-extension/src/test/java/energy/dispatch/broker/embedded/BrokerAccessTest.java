package energy.dispatch.broker.embedded;

import static energy.dispatch.broker.embedded.MqttTestClient.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import energy.dispatch.broker.MqttPrincipal;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The embedded broker with the extension, against a real MQTT 5 client. */
class BrokerAccessTest {

  private static final String CLOUD_SECRET = CredentialHash.newSecret();
  private static final String EDGE_A_SECRET = CredentialHash.newSecret();
  private static final String EDGE_B_SECRET = CredentialHash.newSecret();
  private static final String SERVICE_SECRET = CredentialHash.newSecret();
  private static final String EDGE_A = "site1_edge_a";
  private static final String EDGE_B = "site1_edge_b";
  private static final String SERVICE = "optimizer";
  private static final String CLOUD_CLIENT_ID = "cloud-demo";
  private static final String SERVICE_CLIENT_ID = "service-" + SERVICE;
  private static final String IMPOSTOR_SECRET = CredentialHash.newSecret();

  @TempDir
  static Path dataFolder;

  private static StaticCredentialStore credentials;
  private static EmbeddedBroker broker;
  private final List<MqttTestClient> clients = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    credentials = StaticCredentialStore.withCloudSecret(CLOUD_SECRET)
        .putEdge(EDGE_A, CredentialHash.hash(EDGE_A_SECRET))
        .putEdge(EDGE_B, CredentialHash.hash(EDGE_B_SECRET))
        .putService(SERVICE, CredentialHash.hash(SERVICE_SECRET))
        // Edge credentials named like the cloud's and a service's client ids, as a table written before
        // registration refused such ids would hold.
        .putEdge(CLOUD_CLIENT_ID, CredentialHash.hash(IMPOSTOR_SECRET))
        .putEdge(SERVICE_CLIENT_ID, CredentialHash.hash(IMPOSTOR_SECRET));
    broker = EmbeddedBroker.start(BrokerSettings.defaults(dataFolder), credentials);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(MqttTestClient::close);
  }

  @Test
  void health_reports_running() {
    assertThat(broker.health().ok()).isTrue();
    assertThat(broker.health().failureReason()).isEmpty();
  }

  @Test
  void cloud_connects_with_its_secret() {
    assertThat(client("cloud-node-1").connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
  }

  @Test
  void broker_announces_its_maximum_packet_size_and_queue_bound() {
    var connAck = client("cloud-limits").connectExpectingSuccess("cloud", CLOUD_SECRET);

    assertThat(connAck.getRestrictions().getMaximumPacketSize())
        .isEqualTo(BrokerSettings.DEFAULT_MAX_PACKET_SIZE_BYTES);
  }

  @Test
  void publish_beyond_the_maximum_packet_size_is_refused_and_the_connection_closed() throws Exception {
    // A compliant client refuses to send such a packet, so it is written by hand.
    try (RawMqttConnection raw = new RawMqttConnection(broker.port())) {
      raw.connect("cloud-oversized", "cloud", CLOUD_SECRET);
      assertThat(raw.next().reasonCode()).as("CONNACK").isZero();
      raw.publishAtQos0(Topics.commands(EDGE_A), new byte[1024]);

      raw.publishAtQos0(Topics.commands(EDGE_A), new byte[BrokerSettings.DEFAULT_MAX_PACKET_SIZE_BYTES]);

      RawMqttConnection.Packet answer = raw.next();
      assertThat(answer.type()).isEqualTo(RawMqttConnection.Packet.DISCONNECT);
      assertThat(answer.reasonCode()).as("PACKET_TOO_LARGE").isEqualTo(0x95);
      assertThat(raw.closedByTheBroker()).isTrue();
    }
  }

  @Test
  void cloud_with_a_client_id_outside_its_prefix_is_refused() {
    assertThat(client("node-1").connect("cloud", CLOUD_SECRET))
        .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
  }

  @Test
  void edge_connects_with_its_secret() {
    assertThat(client(EDGE_A).connect(EDGE_A, EDGE_A_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
  }

  @Test
  void edge_with_a_wrong_secret_is_refused() {
    assertThat(client(EDGE_A).connect(EDGE_A, EDGE_B_SECRET))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  void edge_whose_client_id_is_not_its_edge_id_is_refused() {
    assertThat(client(EDGE_B).connect(EDGE_A, EDGE_A_SECRET))
        .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
  }

  @Test
  void edge_credential_named_like_the_clouds_client_id_cannot_take_over_the_clouds_session() {
    MqttTestClient cloud = client(CLOUD_CLIENT_ID);
    assertThat(cloud.connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    assertThat(client(CLOUD_CLIENT_ID).connect(CLOUD_CLIENT_ID, IMPOSTOR_SECRET))
        .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
    assertThat(cloud.isConnected()).isTrue();
  }

  @Test
  void edge_credential_named_like_a_services_client_id_cannot_take_over_the_services_session() {
    MqttTestClient service = client(SERVICE_CLIENT_ID);
    assertThat(service.connect("service:" + SERVICE, SERVICE_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    assertThat(client(SERVICE_CLIENT_ID).connect(SERVICE_CLIENT_ID, IMPOSTOR_SECRET))
        .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
    assertThat(service.isConnected()).isTrue();
  }

  @Test
  void unknown_edge_is_refused() {
    assertThat(client("site9_edge").connect("site9_edge", EDGE_A_SECRET))
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  void client_without_credentials_is_refused() {
    assertThat(client("anonymous-" + UUID.randomUUID()).connectAnonymously())
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  void edge_cannot_subscribe_to_another_edges_commands() {
    MqttTestClient edgeA = connectedEdgeA();

    assertThat(edgeA.subscribe(Topics.commands(EDGE_B))).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
    assertThat(edgeA.subscribe("dispatch/v1/edges/+/commands")).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
    assertThat(edgeA.subscribe(Topics.commands(EDGE_A))).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
  }

  @Test
  void edge_cannot_join_a_shared_subscription() {
    MqttTestClient edgeA = connectedEdgeA();

    assertThat(edgeA.subscribe(Topics.sharedEdgeFilter("acks"))).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
    assertThat(edgeA.subscribe("$share/" + Topics.CLOUD_SHARE_GROUP + "/" + Topics.commands(EDGE_A)))
        .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void edge_cannot_publish_to_another_edges_acks_and_loses_its_connection() {
    MqttTestClient edgeA = connectedEdgeA();

    assertThat(edgeA.publish(message(Topics.acks(EDGE_B), "{}"))).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !edgeA.isConnected());
  }

  @Test
  void edge_ack_reaches_the_cloud_through_the_shared_subscription_stamped_with_the_edge() throws Exception {
    MqttTestClient cloud = connectedCloud();
    assertThat(cloud.subscribe(Topics.sharedEdgeFilter("acks"))).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    MqttTestClient edgeA = connectedEdgeA();

    assertThat(edgeA.publish(message(Topics.acks(EDGE_A), "{\"command_id\":\"c1\"}")))
        .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

    Mqtt5Publish received = cloud.receive().orElseThrow();
    assertThat(received.getTopic().toString()).isEqualTo(Topics.acks(EDGE_A));
    assertThat(principalProperties(received)).containsExactly("edge:" + EDGE_A);
  }

  @Test
  void retained_publish_on_a_command_topic_is_refused() {
    MqttTestClient cloud = connectedCloud();
    Mqtt5Publish retained = Mqtt5Publish.builder().topic(Topics.commands(EDGE_A)).qos(MqttQos.AT_LEAST_ONCE)
        .retain(true).payload("{}".getBytes(StandardCharsets.UTF_8)).build();

    assertThat(cloud.publish(retained)).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    await().atMost(Duration.ofSeconds(10)).until(() -> !cloud.isConnected());
    assertThat(connectedCloud().publish(message(Topics.commands(EDGE_A), "{}")))
        .isIn(Mqtt5PubAckReasonCode.SUCCESS, Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
  }

  @Test
  void edge_may_leave_its_retained_state_as_last_will() {
    Mqtt5Publish will = Mqtt5Publish.builder().topic(Topics.state(EDGE_A)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload("{\"online\":false}".getBytes(StandardCharsets.UTF_8)).build();

    assertThat(client(EDGE_A).connect(EDGE_A, EDGE_A_SECRET, Optional.of(will)))
        .isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
  }

  @Test
  void edge_cannot_leave_a_last_will_on_a_command_topic() {
    Mqtt5Publish will = message(Topics.commands(EDGE_B), "{}");

    assertThat(client(EDGE_A).connect(EDGE_A, EDGE_A_SECRET, Optional.of(will)))
        .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void service_publish_arrives_with_its_principal_even_when_it_forged_one() throws Exception {
    MqttTestClient cloud = connectedCloud();
    assertThat(cloud.subscribe("$share/dispatch-cloud/dispatch/v1/services/+/requests"))
        .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
    MqttTestClient service = client("service-" + SERVICE + "-1");
    assertThat(service.connect("service:" + SERVICE, SERVICE_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    Mqtt5Publish forged = Mqtt5Publish.builder().topic(Topics.serviceRequests(SERVICE)).qos(MqttQos.AT_LEAST_ONCE)
        .responseTopic(Topics.serviceResponsePrefix(SERVICE) + "r1")
        .correlationData("r1".getBytes(StandardCharsets.UTF_8))
        .userProperties().add(MqttPrincipal.USER_PROPERTY, "user:1").add("other", "kept").applyUserProperties()
        .payload("{}".getBytes(StandardCharsets.UTF_8)).build();

    assertThat(service.publish(forged)).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);

    Mqtt5Publish received = cloud.receive().orElseThrow();
    assertThat(principalProperties(received)).containsExactly("service:" + SERVICE);
    assertThat(received.getUserProperties().asList()).anyMatch(p -> p.getName().toString().equals("other"));
  }

  @Test
  void service_request_with_a_response_topic_outside_its_prefix_is_refused() {
    Mqtt5Publish request = Mqtt5Publish.builder().topic(Topics.serviceRequests(SERVICE)).qos(MqttQos.AT_LEAST_ONCE)
        .responseTopic(Topics.commands(EDGE_A)).payload("{}".getBytes(StandardCharsets.UTF_8)).build();

    assertThat(connectedService().publish(request)).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void service_cannot_publish_to_an_edges_command_topic() {
    assertThat(connectedService().publish(message(Topics.commands(EDGE_A), "{}")))
        .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void revoking_an_edge_disconnects_its_session_and_refuses_it_afterwards() {
    String edgeId = "site2_edge_revoked";
    String secret = CredentialHash.newSecret();
    credentials.putEdge(edgeId, CredentialHash.hash(secret));
    MqttTestClient edge = client(edgeId);
    assertThat(edge.connect(edgeId, secret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    credentials.revokeEdge(edgeId);

    await().atMost(Duration.ofSeconds(10)).until(() -> !edge.isConnected());
    assertThat(client(edgeId).connect(edgeId, secret)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
  }

  @Test
  void revoking_a_service_disconnects_every_client_it_runs() {
    String name = "optimizer_two";
    String secret = CredentialHash.newSecret();
    credentials.putService(name, CredentialHash.hash(secret));
    MqttTestClient first = client("service-" + name);
    MqttTestClient second = client("service-" + name + "-replica");
    assertThat(first.connect("service:" + name, secret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(second.connect("service:" + name, secret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    credentials.revokeService(name);

    await().atMost(Duration.ofSeconds(10)).until(() -> !first.isConnected() && !second.isConnected());
  }

  @Test
  void revoking_a_service_leaves_the_sessions_of_services_whose_names_start_alike() {
    String secret = CredentialHash.newSecret();
    List.of("rev", "rev_b", "revb").forEach(name -> credentials.putService(name, CredentialHash.hash(secret)));
    MqttTestClient revoked = client("service-rev-b");
    MqttTestClient underscore = client("service-rev_b-1");
    MqttTestClient longer = client("service-revb");
    assertThat(revoked.connect("service:rev", secret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(underscore.connect("service:rev_b", secret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(longer.connect("service:revb", secret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

    credentials.revokeService("rev");

    await().atMost(Duration.ofSeconds(10)).until(() -> !revoked.isConnected());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> underscore.isConnected() && longer.isConnected());
  }

  @Test
  void a_service_named_with_a_dash_is_refused_at_connect_saying_why() {
    List<String> lines = logLinesOf(() ->
        assertThat(client("service-" + SERVICE + "-b").connect("service:" + SERVICE + "-b", SERVICE_SECRET))
            .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));

    assertThat(lines).anyMatch(line ->
        line.contains("Authentication refused clientId=service-" + SERVICE + "-b") && line.contains("without '-'"));
    assertThatThrownBy(() -> credentials.putService(SERVICE + "-b", CredentialHash.hash(SERVICE_SECRET)))
        .hasMessageContaining("without '-'");
  }

  @Test
  void event_log_names_clients_and_reasons_but_never_a_secret() {
    List<String> lines = logLinesOf(() -> {
      assertThat(client(EDGE_A).connect(EDGE_A, CLOUD_SECRET))
          .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(connectedEdgeA().publish(message(Topics.commands(EDGE_B), "{}")))
          .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    });

    assertThat(lines).anyMatch(line -> line.contains("Authentication refused clientId=" + EDGE_A));
    assertThat(lines).anyMatch(line -> line.contains("Publish refused clientId=" + EDGE_A));
    assertThat(String.join("\n", lines)).doesNotContain(CLOUD_SECRET, EDGE_A_SECRET, EDGE_B_SECRET, SERVICE_SECRET);
  }

  /** The log lines written, by any logger, while {@code action} runs. */
  private static List<String> logLinesOf(Runnable action) {
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    captured.start();
    root.addAppender(captured);
    try {
      action.run();
    } finally {
      root.detachAppender(captured);
    }
    return captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private MqttTestClient connectedEdgeA() {
    MqttTestClient edge = client(EDGE_A);
    assertThat(edge.connect(EDGE_A, EDGE_A_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    return edge;
  }

  private MqttTestClient connectedService() {
    MqttTestClient service = client("service-" + SERVICE + "-" + UUID.randomUUID());
    assertThat(service.connect("service:" + SERVICE, SERVICE_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    return service;
  }

  private MqttTestClient connectedCloud() {
    MqttTestClient cloud = client("cloud-" + UUID.randomUUID());
    assertThat(cloud.connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    return cloud;
  }

  private MqttTestClient client(String clientId) {
    MqttTestClient client = new MqttTestClient(broker.port(), clientId);
    clients.add(client);
    return client;
  }

  private static List<String> principalProperties(Mqtt5Publish publish) {
    return publish.getUserProperties().asList().stream()
        .filter(property -> property.getName().toString().equals(MqttPrincipal.USER_PROPERTY))
        .map(property -> property.getValue().toString())
        .toList();
  }
}
