package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import energy.dispatch.broker.AclMatrix;
import energy.dispatch.broker.AclMatrix.Principal;
import energy.dispatch.broker.AclMatrix.Publish;
import energy.dispatch.broker.AclMatrix.Subscribe;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.schema.CredentialHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of {@link AclMatrix}, row by row, against the running broker with real MQTT 5 clients: the
 * SUBACK reason code of each subscription, the PUBACK reason code of each QoS 1 publish, and for the
 * principals that cannot log in, the refused CONNECT. One connection per principal serves the rows until the
 * broker closes it after a refused publish; the next row then opens a new one.
 */
class BrokerAclMatrixTest {

  private static final String CLOUD_SECRET = CredentialHash.newSecret();
  private static final String EDGE_A_SECRET = CredentialHash.newSecret();
  private static final String EDGE_B_SECRET = CredentialHash.newSecret();
  private static final String SERVICE_SECRET = CredentialHash.newSecret();

  @TempDir
  static Path dataFolder;

  private static EmbeddedBroker broker;
  private static final Map<Principal, MqttTestClient> connections = new EnumMap<>(Principal.class);
  private static final Map<Principal, Mqtt5ConnAckReasonCode> refusedLogins = new EnumMap<>(Principal.class);

  @BeforeAll
  static void startBrokerAndTryTheLoginsThatMustFail() {
    StaticCredentialStore credentials = StaticCredentialStore.withCloudSecret(CLOUD_SECRET)
        .putEdge(AclMatrix.EDGE_A_ID, CredentialHash.hash(EDGE_A_SECRET))
        .putEdge(AclMatrix.EDGE_B_ID, CredentialHash.hash(EDGE_B_SECRET))
        .putService(AclMatrix.SERVICE_NAME, CredentialHash.hash(SERVICE_SECRET));
    // a short delay keeps the two refused logins cheap; the delay itself is tested in EmbeddedBrokerTest
    broker = EmbeddedBroker.start(
        BrokerSettings.defaults(dataFolder).withFailedLoginDelay(Duration.ofMillis(50)), credentials);
    try (MqttTestClient anonymous = new MqttTestClient(broker.port(), "anonymous-matrix");
        MqttTestClient wrongPassword = new MqttTestClient(broker.port(), AclMatrix.EDGE_A_ID)) {
      refusedLogins.put(Principal.ANONYMOUS, anonymous.connectAnonymously());
      refusedLogins.put(Principal.WRONG_PASSWORD, wrongPassword.connect(AclMatrix.EDGE_A_ID, EDGE_B_SECRET));
    }
  }

  @AfterAll
  static void stopBroker() {
    connections.values().forEach(MqttTestClient::close);
    broker.close();
  }

  @ParameterizedTest(name = "{0} publish {1}: allowed={2}")
  @MethodSource("energy.dispatch.broker.AclMatrix#publishCases")
  void publish_decisions_of_the_broker_follow_the_table(Principal principal, Publish row, boolean allowed) {
    if (cannotLogIn(principal, allowed)) {
      return;
    }
    MqttTestClient client = connection(principal);

    Optional<Mqtt5PubAckReasonCode> code = publishOrDisconnected(client, row);

    if (allowed) {
      assertThat(code).hasValueSatisfying(ack -> assertThat(ack)
          .isIn(Mqtt5PubAckReasonCode.SUCCESS, Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS));
    } else if (code.isPresent()) {
      assertThat(code.get()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
    } else {
      assertThat(row.topic()).as("only a reserved topic closes the connection without a PUBACK").startsWith("$");
    }
  }

  @ParameterizedTest(name = "{0} subscribe {1}: allowed={2}")
  @MethodSource("energy.dispatch.broker.AclMatrix#subscribeCases")
  void subscribe_decisions_of_the_broker_follow_the_table(Principal principal, Subscribe row, boolean allowed) {
    if (cannotLogIn(principal, allowed)) {
      return;
    }
    MqttTestClient client = connection(principal);

    List<Mqtt5SubAckReasonCode> codes = subscribeOrSkip(client, row);

    assertThat(codes).containsExactly(
        allowed ? Mqtt5SubAckReasonCode.GRANTED_QOS_1 : Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
  }

  /** For a principal whose CONNECT the broker refused: asserts the refusal, and that the table denies it all. */
  private static boolean cannotLogIn(Principal principal, boolean allowed) {
    if (!refusedLogins.containsKey(principal)) {
      return false;
    }
    assertThat(refusedLogins.get(principal)).as("CONNECT of " + principal)
        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    assertThat(allowed).as("the table lets a principal that cannot log in do nothing").isFalse();
    return true;
  }

  /**
   * The PUBACK's reason code, or empty when the broker closed the connection instead of answering, as HiveMQ
   * does for a publish to a {@code $} topic, which MQTT reserves for the broker.
   */
  private static Optional<Mqtt5PubAckReasonCode> publishOrDisconnected(MqttTestClient client, Publish row) {
    try {
      return Optional.of(client.publish(publishOf(row)));
    } catch (MqttSessionExpiredException closedByTheBroker) {
      return Optional.empty();
    }
  }

  /** Filters MQTT forbids (such as {@code a#}) are refused by the client library before they reach the wire. */
  private static List<Mqtt5SubAckReasonCode> subscribeOrSkip(MqttTestClient client, Subscribe row) {
    try {
      return client.subscribe(row.filter());
    } catch (IllegalArgumentException malformed) {
      Assumptions.assumeFalse(row.expected().contains("Y"), "a filter someone may use must be sendable");
      Assumptions.abort("not a valid MQTT topic filter, so no MQTT 5 client sends it (" + malformed.getMessage()
          + "); TopicAclTest holds its decision");
      return List.of();
    }
  }

  /** The principal's connection, opened anew when the broker closed it after a refused publish. */
  private static MqttTestClient connection(Principal principal) {
    MqttTestClient client = connections.get(principal);
    if (client == null || !client.isConnected()) {
      if (client != null) {
        client.close();
      }
      client = connect(principal);
      connections.put(principal, client);
    }
    return client;
  }

  private static MqttTestClient connect(Principal principal) {
    MqttTestClient client = new MqttTestClient(broker.port(), clientIdOf(principal));
    Mqtt5ConnAckReasonCode code = switch (principal) {
      case CLOUD -> client.connect("cloud", CLOUD_SECRET);
      case EDGE_A -> client.connect(AclMatrix.EDGE_A_ID, EDGE_A_SECRET);
      case EDGE_B -> client.connect(AclMatrix.EDGE_B_ID, EDGE_B_SECRET);
      case SERVICE -> client.connect("service:" + AclMatrix.SERVICE_NAME, SERVICE_SECRET);
      case ANONYMOUS, WRONG_PASSWORD -> throw new IllegalArgumentException(principal + " cannot log in");
    };
    assertThat(code).as("CONNECT of " + principal).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    return client;
  }

  private static String clientIdOf(Principal principal) {
    return switch (principal) {
      case CLOUD -> "cloud-matrix";
      case EDGE_A -> AclMatrix.EDGE_A_ID;
      case EDGE_B -> AclMatrix.EDGE_B_ID;
      case SERVICE -> "service-" + AclMatrix.SERVICE_NAME;
      case ANONYMOUS, WRONG_PASSWORD -> throw new IllegalArgumentException(principal + " cannot log in");
    };
  }

  private static Mqtt5Publish publishOf(Publish row) {
    Mqtt5PublishBuilder.Complete publish = Mqtt5Publish.builder().topic(row.topic()).qos(MqttQos.AT_LEAST_ONCE)
        .retain(row.retain()).payload("{}".getBytes(StandardCharsets.UTF_8));
    if (row.responseTopic() != null) {
      publish.responseTopic(row.responseTopic());
    }
    return publish.build();
  }
}
