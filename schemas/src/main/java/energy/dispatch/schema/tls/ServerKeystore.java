package energy.dispatch.schema.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Objects;

/**
 * A server's certificate: a PKCS#12 or JKS key store holding the private key and its certificate
 * chain. Immutable; {@link #toString()} never shows the passwords.
 *
 * @param path the key store file
 * @param password the key store's password
 * @param privateKeyPassword the private key's password (for PKCS#12 usually the same)
 */
public record ServerKeystore(Path path, String password, String privateKeyPassword) {

  public ServerKeystore {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(privateKeyPassword, "privateKeyPassword");
  }

  /** A key store whose private key has the store's password, as keytool and openssl make PKCS#12 files. */
  public static ServerKeystore of(Path path, String password) {
    return new ServerKeystore(path, password, password);
  }

  /**
   * Opens the key store and checks that it holds a private key, so that a wrong path or password is
   * reported at start, naming {@code setting}, instead of at the first handshake.
   *
   * @throws IllegalArgumentException naming the setting and the file, saying what is wrong
   */
  public void verify(String setting) {
    KeyStore store = load(setting);
    try {
      boolean hasKey = false;
      for (String alias : Collections.list(store.aliases())) {
        hasKey |= store.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new IllegalArgumentException(setting + "=" + path + " holds no private key; a server needs its key "
            + "and certificate chain (keytool -genkeypair, or openssl pkcs12 -export)");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(setting + "=" + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  private KeyStore load(String setting) {
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(setting + "=" + path + ": no such readable file");
    }
    try {
      return KeyStore.getInstance(path.toFile(), password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(setting + "=" + path + " cannot be opened (" + e.getMessage()
          + "); check the file and its password setting", e);
    }
  }

  @Override
  public String toString() {
    return "ServerKeystore[path=" + path + ", passwords=***]";
  }
}
