package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.tls.ServerKeystore;
import energy.dispatch.testing.TestCertificates;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT over TLS with a certificate generated for the test by the JDK's keytool. */
class TlsListenerTest {

  private static final String CLOUD_SECRET = CredentialHash.newSecret();

  @TempDir
  Path folder;

  @Test
  void client_trusting_the_certificate_connects_over_tls_and_a_plain_client_does_not() {
    TestCertificates certificates = TestCertificates.forLoopback(folder.resolve("tls"));
    BrokerSettings settings = BrokerSettings.defaults(folder.resolve("data")).withTls(certificates.serverKeystore());

    try (EmbeddedBroker broker = EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET));
        MqttTestClient secure = new MqttTestClient(broker.port(), "cloud-tls",
            certificates.trustingStore().trustManagerFactory());
        MqttTestClient plain = new MqttTestClient(broker.port(), "cloud-plain")) {
      assertThat(secure.connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThatThrownBy(() -> plain.connect("cloud", CLOUD_SECRET)).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void tls_beyond_loopback_is_allowed() {
    TestCertificates certificates = TestCertificates.forLoopback(folder.resolve("tls"));
    BrokerSettings settings = BrokerSettings.defaults(folder.resolve("data")).withBindHost("0.0.0.0")
        .withTls(certificates.serverKeystore());

    try (EmbeddedBroker broker = EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET))) {
      assertThat(broker.health().ok()).isTrue();
    }
  }

  @Test
  void wrong_keystore_password_is_refused_at_start_naming_the_setting() {
    TestCertificates certificates = TestCertificates.forLoopback(folder.resolve("tls"));
    BrokerSettings settings = BrokerSettings.defaults(folder.resolve("data"))
        .withTls(ServerKeystore.of(certificates.keystore(), "not-the-password"));

    assertThatThrownBy(() -> EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET)))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining(BrokerSettings.KEYSTORE_SETTING + "=" + certificates.keystore())
        .hasMessageContaining("password")
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void trust_store_without_a_private_key_is_refused_as_a_server_keystore() {
    TestCertificates certificates = TestCertificates.forLoopback(folder.resolve("tls"));
    BrokerSettings settings = BrokerSettings.defaults(folder.resolve("data"))
        .withTls(ServerKeystore.of(certificates.truststore(), certificates.password()));

    assertThatThrownBy(() -> EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET)))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("holds no private key");
  }

  @Test
  void keystore_never_shows_its_passwords() {
    TestCertificates certificates = TestCertificates.forLoopback(folder.resolve("tls"));

    assertThat(certificates.serverKeystore().toString()).doesNotContain(certificates.password());
    assertThat(certificates.trustingStore().toString()).doesNotContain(certificates.password());
  }
}
