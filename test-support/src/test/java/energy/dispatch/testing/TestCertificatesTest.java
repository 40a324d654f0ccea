package energy.dispatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.ServerKeystore;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated certificates load as the parts load theirs, and bad trust material is named. */
class TestCertificatesTest {

  @TempDir
  static Path folder;

  static TestCertificates certificates;

  @BeforeAll
  static void generate() {
    certificates = TestCertificates.forLoopback(folder.resolve("tls"));
  }

  private static int trustedCount(ClientTrust trust) {
    return ((X509TrustManager) trust.trustManagerFactory().getTrustManagers()[0]).getAcceptedIssuers().length;
  }

  @Test
  void pem_file_and_trust_store_each_trust_exactly_the_generated_certificate() {
    assertThat(trustedCount(certificates.trustingPem())).isEqualTo(1);
    assertThat(trustedCount(certificates.trustingStore())).isEqualTo(1);
    assertThat(trustedCount(ClientTrust.jvmDefault())).isGreaterThan(1);
  }

  @Test
  void server_keystore_opens_with_its_password() {
    assertThatCode(() -> certificates.serverKeystore().verify("DISPATCH_TEST_KEYSTORE")).doesNotThrowAnyException();
  }

  @Test
  void missing_keystore_is_named_with_its_setting() {
    ServerKeystore missing = ServerKeystore.of(folder.resolve("none.p12"), "x");

    assertThatThrownBy(() -> missing.verify("DISPATCH_TEST_KEYSTORE"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DISPATCH_TEST_KEYSTORE=" + folder.resolve("none.p12") + ": no such readable file");
  }

  @Test
  void trust_store_with_a_wrong_password_is_named_without_the_password() {
    ClientTrust wrong = ClientTrust.trustStore(certificates.truststore(), "not-the-password");

    assertThatThrownBy(wrong::trustManagerFactory)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trusted certificates " + certificates.truststore() + " cannot be read")
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void pem_file_without_a_certificate_is_refused() throws Exception {
    Path empty = Files.writeString(folder.resolve("empty.pem"), "no certificate here\n");

    assertThatThrownBy(() -> ClientTrust.caCertificates(empty).trustManagerFactory())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trusted certificates " + empty + " cannot be read");
  }

  @Test
  void trust_store_password_never_shows() {
    assertThat(certificates.trustingStore().toString()).contains(certificates.truststore().toString())
        .doesNotContain(certificates.password());
    assertThat(certificates.toString()).doesNotContain(certificates.password());
  }
}
