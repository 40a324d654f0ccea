package energy.dispatch.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.schema.CredentialHash;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionPropertiesTest {

  @TempDir
  Path extensionHome;

  @Test
  void complete_properties_are_read_with_defaults_for_what_is_left_out() throws IOException {
    String hash = CredentialHash.hash("cloud");

    ExtensionProperties properties = ExtensionProperties.parse(properties(
        "jdbc.url=jdbc:postgresql://db:5432/dispatch\njdbc.user=broker\njdbc.password=pw\ncloud.secret.sha256="
            + hash.toUpperCase(Locale.ROOT)), "test");

    assertThat(properties.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/dispatch");
    assertThat(properties.cloudSecretSha256()).isEqualTo(hash);
    assertThat(properties.refreshInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(properties.failedLoginDelay()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void every_problem_is_reported_at_once() throws IOException {
    Properties raw = properties("jdbc.password=secret-value\ncloud.secret.sha256=abc\nrefresh.ms=soon\n"
        + "auth.failure.delay.ms=-5");

    assertThatThrownBy(() -> ExtensionProperties.parse(raw, "dispatch-extension.properties"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("jdbc.url is missing")
        .hasMessageContaining("jdbc.user is missing")
        .hasMessageContaining("cloud.secret.sha256 must be 64 hex characters")
        .hasMessageContaining("refresh.ms must be a positive number of milliseconds, was 'soon'")
        .hasMessageContaining("auth.failure.delay.ms")
        .hasMessageNotContaining("secret-value");
  }

  @Test
  void a_missing_file_is_an_error_naming_it() {
    assertThatThrownBy(() -> ExtensionProperties.load(extensionHome))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(extensionHome.resolve("dispatch-extension.properties").toString());
  }

  private static Properties properties(String text) throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    return properties;
  }
}
