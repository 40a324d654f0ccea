package energy.dispatch.testing;

import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.ServerKeystore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate made for one test by the JDK's keytool: the server's PKCS#12 key
 * store, the certificate as a PEM file, and a PKCS#12 trust store holding only the certificate.
 * Valid for two days, EC P-256, for the names the test gives (by default {@code localhost} and
 * {@code 127.0.0.1}).
 *
 * @param password the password of both stores: random, so a leak into a log is detectable
 */
public record TestCertificates(Path keystore, Path certificatePem, Path truststore, String password) {

  private static final String PASSWORD_VARIABLE = "DISPATCH_TEST_STORE_PASSWORD";

  /** A certificate for {@code localhost} and {@code 127.0.0.1}, written into {@code folder}. */
  public static TestCertificates forLoopback(Path folder) {
    return generate(folder, "SAN=ip:127.0.0.1,dns:localhost");
  }

  /** A certificate naming only {@code dnsName}, to prove that clients check the server's name. */
  public static TestCertificates forName(Path folder, String dnsName) {
    return generate(folder, "SAN=dns:" + dnsName);
  }

  public ServerKeystore serverKeystore() {
    return ServerKeystore.of(keystore, password);
  }

  public ClientTrust trustingPem() {
    return ClientTrust.caCertificates(certificatePem);
  }

  public ClientTrust trustingStore() {
    return ClientTrust.trustStore(truststore, password);
  }

  private static TestCertificates generate(Path folder, String subjectAlternativeNames) {
    String password = CredentialHash.newSecret();
    TestCertificates made = new TestCertificates(folder.resolve("server.p12"), folder.resolve("server.pem"),
        folder.resolve("trust.p12"), password);
    try {
      Files.createDirectories(folder);
      keytool(folder, password, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
          "-dname", "CN=dispatch-test", "-ext", subjectAlternativeNames, "-validity", "2", "-storetype", "PKCS12",
          "-keystore", made.keystore.toString(), "-storepass:env", PASSWORD_VARIABLE,
          "-keypass:env", PASSWORD_VARIABLE);
      keytool(folder, password, "-exportcert", "-rfc", "-alias", "server", "-keystore", made.keystore.toString(),
          "-storepass:env", PASSWORD_VARIABLE, "-file", made.certificatePem.toString());
      keytool(folder, password, "-importcert", "-noprompt", "-alias", "server", "-file", made.certificatePem.toString(),
          "-storetype", "PKCS12", "-keystore", made.truststore.toString(), "-storepass:env", PASSWORD_VARIABLE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool in " + folder, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating a test certificate", e);
    }
    return made;
  }

  private static void keytool(Path folder, String password, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Path log = folder.resolve("keytool.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // From the environment, not the arguments, which other users of the machine can read.
    builder.environment().put(PASSWORD_VARIABLE, password);
    Process keytool = builder.start();
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      keytool.destroyForcibly();
      throw new IllegalStateException("keytool " + arguments[0] + " failed: " + Files.readString(log));
    }
  }

  @Override
  public String toString() {
    return "TestCertificates[keystore=" + keystore + ", password=***]";
  }
}
