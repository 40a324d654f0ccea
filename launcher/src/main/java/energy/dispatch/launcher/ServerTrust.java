package energy.dispatch.launcher;

import energy.dispatch.schema.tls.ClientTrust;
import energy.dispatch.schema.tls.Loopback;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How the CLI checks the cloud's certificate on {@code https://} and {@code wss://}: a CA file, a
 * trust store (its password only from {@code DISPATCH_TRUSTSTORE_PASSWORD}, never from the command
 * line, where {@code ps} shows it), or the JVM's CAs. The CLI sends a token, so it refuses to send it in
 * the clear to a host beyond loopback.
 */
final class ServerTrust {

  static final String PREFIX = "DISPATCH";

  @Option(names = "--ca-file", defaultValue = "${env:DISPATCH_CA_FILE}",
      description = "PEM file of the CA certificates that sign the cloud's certificate (env DISPATCH_CA_FILE)")
  Path caFile;

  @Option(names = "--truststore", defaultValue = "${env:DISPATCH_TRUSTSTORE}",
      description = "PKCS#12 or JKS trust store instead, password in env DISPATCH_TRUSTSTORE_PASSWORD "
          + "(env DISPATCH_TRUSTSTORE)")
  Path trustStore;

  /** An HTTP and WebSocket client for {@code address}, checking the certificate as configured. */
  HttpClient clientFor(URI address) {
    requireEncryptedBeyondLoopback(address);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    trust().ifPresent(trust -> builder.sslContext(trust.sslContext()));
    return builder.build();
  }

  private Optional<ClientTrust> trust() {
    return ClientTrust.select(PREFIX, caFile, trustStore, System.getenv(PREFIX + "_TRUSTSTORE_PASSWORD"), false);
  }

  static void requireEncryptedBeyondLoopback(URI address) {
    String scheme = String.valueOf(address.getScheme());
    boolean encrypted = scheme.equals("https") || scheme.equals("wss");
    if (!encrypted && !Loopback.isLoopback(String.valueOf(address.getHost()))) {
      throw new IllegalArgumentException(address + " would send the access token in the clear to a host beyond "
          + "loopback; use https:// or wss://");
    }
  }
}
