package energy.dispatch.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.cloud.internal.StartupException;
import energy.dispatch.cloud.support.TestBroker;
import energy.dispatch.cloud.support.TestSettings;
import energy.dispatch.cloud.support.TestSocket;
import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.ServerKeystore;
import energy.dispatch.testing.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS, WSS and MQTT over TLS with certificates generated for the test: a node behind TLS on every
 * link, a broker whose listener speaks only TLS, and the ways a bad TLS setting stops a start.
 */
class TransportSecurityTest {

  @TempDir
  static Path folder;

  static TestCertificates certificates;
  static TestBroker broker;

  @BeforeAll
  static void startTlsBroker() {
    certificates = TestCertificates.forLoopback(folder.resolve("loopback"));
    broker = TestBroker.startWithTls(certificates.serverKeystore());
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private static CloudSettings.Builder settings() {
    return TestSettings.fresh().mqttHost(broker.host()).mqttPort(broker.port()).mqttSecret(TestBroker.CLOUD_SECRET)
        .mqttTrust(certificates.trustingPem());
  }

  private static HttpClient trusting(ClientTrust trust) {
    return HttpClient.newBuilder().sslContext(trust.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void node_serves_https_and_wss_reaches_the_broker_over_tls_and_refuses_plain_http() throws Exception {
    try (CloudApi cloud = CloudApi.start(settings().httpsKeystore(certificates.serverKeystore()).build())) {
      HttpClient https = trusting(certificates.trustingStore());
      HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create(cloud.httpUrl() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      String token = cloud.mintDevToken("456", Duration.ofMinutes(5));

      assertThat(cloud.httpUrl()).startsWith("https://");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"mqtt\":true");
      try (TestSocket socket = TestSocket.authenticated(https, cloud.webSocketUrl(), token)) {
        assertThat(cloud.webSocketUrl()).startsWith("wss://");
        assertThat(socket.isOpen()).as("authenticated over WSS").isTrue();
      }
      URI plain = URI.create("http://127.0.0.1:" + cloud.httpPort() + "/health");
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).build(),
          HttpResponse.BodyHandlers.ofString()))
          .as("plain HTTP on the TLS port gets no answer")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void client_without_the_certificate_cannot_connect_to_https() throws Exception {
    try (CloudApi cloud = CloudApi.start(settings().httpsKeystore(certificates.serverKeystore()).build())) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(cloud.httpUrl() + "/health")).build();

      assertThatThrownBy(() -> trusting(ClientTrust.jvmDefault()).send(request, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }
  }

  @Test
  void wrong_https_keystore_password_stops_the_start_naming_the_setting() {
    CloudSettings settings = settings()
        .httpsKeystore(ServerKeystore.of(certificates.keystore(), "not-the-password")).build();

    assertThatThrownBy(() -> CloudApi.start(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("DISPATCH_HTTPS_KEYSTORE=" + certificates.keystore())
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void broker_certificate_for_another_name_is_refused_because_the_hostname_is_verified() {
    TestCertificates elsewhere = TestCertificates.forName(folder.resolve("elsewhere"), "broker.elsewhere.test");
    try (TestBroker impostor = TestBroker.startWithTls(elsewhere.serverKeystore())) {
      CloudSettings settings = settings().mqttPort(impostor.port()).mqttTrust(elsewhere.trustingPem()).build();

      assertThatThrownBy(() -> CloudApi.start(settings))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("cannot connect to the MQTT broker at 127.0.0.1:" + impostor.port())
          .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
    }
  }

  @Test
  void plain_mqtt_client_cannot_reach_a_tls_listener() {
    CloudSettings settings = settings().mqttTrust(null).build();

    assertThatThrownBy(() -> CloudApi.start(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("cannot connect to the MQTT broker");
  }

  @Test
  void unreadable_ca_file_stops_the_start_naming_the_setting() {
    CloudSettings settings = settings().mqttTrust(ClientTrust.caCertificates(folder.resolve("missing.pem"))).build();

    assertThatThrownBy(() -> CloudApi.start(settings))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("DISPATCH_MQTT_CA_FILE")
        .hasMessageContaining("missing.pem");
  }
}
