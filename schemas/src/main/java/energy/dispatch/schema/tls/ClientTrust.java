package energy.dispatch.schema.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which server certificates a client trusts: the CA certificates of a PEM file, a PKCS#12 or JKS
 * trust store with its password, or the JVM's default CAs. Hostname verification is the client's
 * business and stays on everywhere. Immutable; {@link #toString()} never shows the password.
 *
 * @param file a PEM file or a trust store; empty for the JVM's default CAs
 * @param password the trust store's password; empty for a PEM file or the default CAs
 */
public record ClientTrust(Optional<Path> file, Optional<String> password) {

  public ClientTrust {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(password, "password");
  }

  /** Trusts the CA certificates (one or more, PEM or DER) in {@code file}. */
  public static ClientTrust caCertificates(Path file) {
    return new ClientTrust(Optional.of(file), Optional.empty());
  }

  /** Trusts the certificates of a PKCS#12 or JKS trust store. */
  public static ClientTrust trustStore(Path file, String password) {
    return new ClientTrust(Optional.of(file), Optional.of(password));
  }

  /** Trusts the CAs the JVM trusts (a server with a certificate from a public CA). */
  public static ClientTrust jvmDefault() {
    return new ClientTrust(Optional.empty(), Optional.empty());
  }

  /**
   * The trust that settings under one prefix ask for: {@code <prefix>_CA_FILE} (PEM),
   * {@code <prefix>_TRUSTSTORE} with {@code <prefix>_TRUSTSTORE_PASSWORD}, or {@code <prefix>_TLS=true}
   * for the JVM's CAs. Empty when none is set: the link is plain TCP.
   *
   * @throws IllegalArgumentException naming the settings that contradict each other or are incomplete
   */
  public static Optional<ClientTrust> fromSettings(String prefix, Map<String, String> settings) {
    return select(prefix, setting(settings, prefix + "_CA_FILE").map(Path::of).orElse(null),
        setting(settings, prefix + "_TRUSTSTORE").map(Path::of).orElse(null),
        setting(settings, prefix + "_TRUSTSTORE_PASSWORD").orElse(null),
        setting(settings, prefix + "_TLS").map(Boolean::parseBoolean).orElse(false));
  }

  /**
   * The same choice from values already read, each null when not set (command-line options).
   *
   * @throws IllegalArgumentException naming, under {@code prefix}, the settings that contradict each other or
   *     are incomplete
   */
  public static Optional<ClientTrust> select(String prefix, Path caFile, Path trustStore, String trustStorePassword,
      boolean jvmDefault) {
    if (caFile != null && trustStore != null) {
      throw new IllegalArgumentException("set either " + prefix + "_CA_FILE or " + prefix + "_TRUSTSTORE, not both");
    }
    if (trustStore != null && (trustStorePassword == null || trustStorePassword.isBlank())) {
      throw new IllegalArgumentException(prefix + "_TRUSTSTORE_PASSWORD must be set with " + prefix + "_TRUSTSTORE");
    }
    if (caFile != null) {
      return Optional.of(caCertificates(caFile));
    }
    if (trustStore != null) {
      return Optional.of(trustStore(trustStore, trustStorePassword));
    }
    return jvmDefault ? Optional.of(jvmDefault()) : Optional.empty();
  }

  private static Optional<String> setting(Map<String, String> settings, String name) {
    return Optional.ofNullable(settings.get(name)).map(String::trim).filter(value -> !value.isEmpty());
  }

  /**
   * The trust managers of these certificates.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public TrustManagerFactory trustManagerFactory() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(file.isEmpty() ? null : loadFile(file.get()));
      return factory;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the trusted certificates of " + describeSource() + ": "
          + e.getMessage(), e);
    }
  }

  /** A TLS context trusting these certificates, for HTTPS and WSS clients. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagerFactory().getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM offers no TLS: " + e.getMessage(), e);
    }
  }

  private KeyStore loadFile(Path path) {
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("trusted certificates " + path + ": no such readable file");
    }
    try {
      return password.isPresent() ? KeyStore.getInstance(path.toFile(), password.get().toCharArray()) : pemStore(path);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("trusted certificates " + path + " cannot be read (" + e.getMessage()
          + "); a trust store needs its password, a PEM file none", e);
    }
  }

  private static KeyStore pemStore(Path path) throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(path)) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("no certificate in the file");
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int index = 0;
    for (Certificate certificate : certificates) {
      store.setCertificateEntry("ca-" + index++, certificate);
    }
    return store;
  }

  private String describeSource() {
    return file.map(Path::toString).orElse("the JVM's default trust store");
  }

  @Override
  public String toString() {
    return "ClientTrust[" + describeSource() + (password.isPresent() ? ", password=***" : "") + "]";
  }
}
