package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import energy.dispatch.broker.StaticCredentialStore;
import energy.dispatch.schema.CredentialHash;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT over TLS with a certificate generated for the test by the JDK's keytool. */
class TlsListenerTest {

  private static final String CLOUD_SECRET = CredentialHash.newSecret();
  private static final String STORE_PASSWORD = "test-store-password";

  @TempDir
  Path folder;

  @Test
  void client_trusting_the_certificate_connects_over_tls_and_a_plain_client_does_not() throws Exception {
    Path keystore = generateKeystore();
    BrokerSettings settings = BrokerSettings.defaults(folder.resolve("data"))
        .withTls(new TlsSettings(keystore, STORE_PASSWORD, STORE_PASSWORD));

    try (EmbeddedBroker broker = EmbeddedBroker.start(settings, StaticCredentialStore.withCloudSecret(CLOUD_SECRET));
        MqttTestClient secure = new MqttTestClient(broker.port(), "cloud-tls", trusting(keystore));
        MqttTestClient plain = new MqttTestClient(broker.port(), "cloud-plain")) {
      assertThat(secure.connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThatThrownBy(() -> plain.connect("cloud", CLOUD_SECRET)).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void tls_settings_never_show_their_passwords() {
    assertThat(new TlsSettings(folder, STORE_PASSWORD, STORE_PASSWORD).toString()).doesNotContain(STORE_PASSWORD);
  }

  private Path generateKeystore() throws Exception {
    Path keystore = folder.resolve("broker.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
        .redirectErrorStream(true).redirectOutput(folder.resolve("keytool.log").toFile()).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(Files.readString(folder.resolve("keytool.log"))).isZero();
    return keystore;
  }

  private static TrustManagerFactory trusting(Path keystorePath) throws Exception {
    KeyStore keystore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystorePath)) {
      keystore.load(in, STORE_PASSWORD.toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(keystore);
    return trust;
  }
}
