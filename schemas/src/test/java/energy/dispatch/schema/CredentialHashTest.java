package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CredentialHashTest {

  @Test
  void secret_matches_its_hash_and_nothing_else() {
    String secret = CredentialHash.newSecret();
    String stored = CredentialHash.hash(secret);

    assertThat(secret).hasSize(43);
    assertThat(CredentialHash.matches(secret.getBytes(StandardCharsets.UTF_8), stored)).isTrue();
    assertThat(CredentialHash.matches("guess".getBytes(StandardCharsets.UTF_8), stored)).isFalse();
    assertThat(CredentialHash.matches(secret.getBytes(StandardCharsets.UTF_8), "not-hex")).isFalse();
  }
}
