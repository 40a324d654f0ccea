package energy.dispatch.broker.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The server certificate of the MQTT listener: a PKCS#12 or JKS key store holding the private key and its
 * certificate chain. Immutable; {@link #toString()} never shows the passwords.
 */
public record TlsSettings(Path keystorePath, String keystorePassword, String privateKeyPassword) {

  public TlsSettings {
    Objects.requireNonNull(keystorePath, "keystorePath");
    Objects.requireNonNull(keystorePassword, "keystorePassword");
    Objects.requireNonNull(privateKeyPassword, "privateKeyPassword");
  }

  @Override
  public String toString() {
    return "TlsSettings[keystorePath=" + keystorePath + ", passwords=***]";
  }
}
