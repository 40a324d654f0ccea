package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.embedded.EmbeddedHiveMQ;
import energy.dispatch.broker.BrokerStatus;
import energy.dispatch.broker.CredentialStore;
import energy.dispatch.broker.DispatchExtension;
import energy.dispatch.broker.MqttPrincipal;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.testing.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerTest {

  private static final String CLOUD_SECRET = CredentialHash.newSecret();

  @TempDir
  Path dataFolder;

  @Test
  void broker_whose_extension_cannot_start_is_stopped_and_says_why() {
    int port = FreePorts.next();
    BrokerSettings settings = BrokerSettings.defaults(dataFolder).withPort(port);

    assertThatThrownBy(() -> EmbeddedBroker.start(settings, new UnreachableCredentials()))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("no client was admitted")
        .hasMessageContaining("database unreachable at start");

    try (MqttTestClient cloud = new MqttTestClient(port, "cloud-1")) {
      assertThatThrownBy(() -> cloud.connect("cloud", CLOUD_SECRET)).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void while_its_extension_is_down_the_broker_admits_no_client() throws Exception {
    BrokerStatus status = new BrokerStatus();
    BrokerSettings settings = BrokerSettings.defaults(dataFolder);
    int port = EmbeddedBroker.resolvePort(settings);
    Path configFolder = EmbeddedBroker.prepareFolders(settings, port);
    EmbeddedHiveMQ hivemq = EmbeddedBroker.build(settings, configFolder,
        new DispatchExtension(new UnreachableCredentials(), status));
    try {
      hivemq.start().get(60, TimeUnit.SECONDS);
      assertThat(status.failureReason()).hasValueSatisfying(reason -> assertThat(reason).contains("unreachable"));

      try (MqttTestClient anyone = new MqttTestClient(port, "cloud-1")) {
        assertThat(anyone.connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
      }
      try (MqttTestClient anonymous = new MqttTestClient(port, "anonymous")) {
        assertThat(anonymous.connectAnonymously()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
      }
    } finally {
      hivemq.close();
    }
  }

  @Test
  void an_explicit_port_already_taken_is_an_error_naming_the_setting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      BrokerSettings settings = BrokerSettings.defaults(dataFolder).withPort(taken.getLocalPort());

      assertThatThrownBy(() -> EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET)))
          .isInstanceOf(BrokerStartException.class)
          .hasMessageContaining("DISPATCH_MQTT_PORT=" + taken.getLocalPort())
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void plain_mqtt_beyond_loopback_is_refused() {
    BrokerSettings settings = BrokerSettings.defaults(dataFolder).withBindHost("0.0.0.0");

    assertThatThrownBy(() -> EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET)))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("needs TLS");
  }

  @Test
  void health_reports_stopped_after_close() {
    EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.defaults(dataFolder),
        StaticCredentialStore.withCloudSecret(CLOUD_SECRET));
    assertThat(broker.port()).isPositive();
    assertThat(broker.health().ok()).isTrue();

    broker.close();
    broker.close();

    assertThat(broker.health().state()).isEqualTo(BrokerStatus.State.STOPPED);
  }

  @Test
  void a_refused_connect_is_answered_no_sooner_than_the_configured_delay() {
    Duration delay = Duration.ofMillis(1500);
    BrokerSettings settings = BrokerSettings.defaults(dataFolder).withFailedLoginDelay(delay);
    try (EmbeddedBroker broker = EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET));
        MqttTestClient guesser = new MqttTestClient(broker.port(), "cloud-guesser")) {
      long startNanos = System.nanoTime();

      Mqtt5ConnAckReasonCode answer = guesser.connect("cloud", CredentialHash.newSecret());

      Duration waited = Duration.ofNanos(System.nanoTime() - startNanos);
      assertThat(answer).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(waited).isGreaterThanOrEqualTo(delay);
    }
  }

  @Test
  void the_failed_login_delay_is_read_from_the_environment() {
    BrokerSettings settings = BrokerSettings.defaults(dataFolder)
        .withEnvironment(Map.of(BrokerSettings.FAILED_LOGIN_DELAY_SETTING, "2500"));

    assertThat(settings.failedLoginDelay()).isEqualTo(Duration.ofMillis(2500));
    assertThat(BrokerSettings.defaults(dataFolder).withEnvironment(Map.of()).failedLoginDelay())
        .isEqualTo(BrokerSettings.DEFAULT_FAILED_LOGIN_DELAY);
  }

  @Test
  void a_failed_login_delay_that_is_not_a_number_is_an_error_naming_the_setting() {
    BrokerSettings defaults = BrokerSettings.defaults(dataFolder);

    assertThatThrownBy(() -> defaults.withEnvironment(Map.of(BrokerSettings.FAILED_LOGIN_DELAY_SETTING, "1s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BrokerSettings.FAILED_LOGIN_DELAY_SETTING)
        .hasMessageContaining("'1s'");
    assertThatThrownBy(() -> defaults.withEnvironment(Map.of(BrokerSettings.FAILED_LOGIN_DELAY_SETTING, "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BrokerSettings.FAILED_LOGIN_DELAY_SETTING + " must be 0-30000 ms, was -1");
  }

  @Test
  void invalid_settings_are_reported_all_at_once() {
    assertThatThrownBy(() -> new BrokerSettings("127.0.0.1", 70_000, dataFolder, 10, 0, java.time.Duration.ZERO,
        Optional.empty(), java.time.Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DISPATCH_MQTT_PORT")
        .hasMessageContaining("max packet size")
        .hasMessageContaining("max queued messages")
        .hasMessageContaining(BrokerSettings.FAILED_LOGIN_DELAY_SETTING);
  }

  /** A credential store whose database cannot be reached when the broker starts. */
  private static final class UnreachableCredentials implements CredentialStore {
    @Override
    public void start() {
      throw new IllegalStateException("database unreachable at start");
    }

    @Override
    public Optional<MqttPrincipal> authenticate(String clientId, String userName, byte[] password) {
      return Optional.empty();
    }

    @Override
    public void onRevoked(Consumer<MqttPrincipal> listener) {
      throw new IllegalStateException("not started");
    }

    @Override
    public void close() {
      // nothing to release
    }
  }
}
