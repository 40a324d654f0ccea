package energy.dispatch.broker.embedded;

import energy.dispatch.schema.tls.ServerKeystore;
import energy.dispatch.schema.tls.TlsProtocols;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the {@code config.xml} HiveMQ reads at start, from the broker settings and a resolved port. The
 * file may hold the key store password, so it lives in a folder only this user can read (see
 * {@link EmbeddedBroker}) and is deleted when the broker closes.
 */
final class HiveMqConfigFile {

  /** An unauthenticated socket that sends no CONNECT is closed after this long. */
  static final int NO_CONNECT_IDLE_TIMEOUT_MS = 10_000;

  private HiveMqConfigFile() {}

  static void write(Path configFolder, BrokerSettings settings, int port) throws IOException {
    Files.writeString(configFolder.resolve("config.xml"), render(settings, port), StandardCharsets.UTF_8);
  }

  static String render(BrokerSettings settings, int port) {
    return """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
        %s
          </listeners>
          <mqtt>
            <queued-messages>
              <max-queue-size>%d</max-queue-size>
              <strategy>discard</strategy>
            </queued-messages>
            <session-expiry>
              <max-interval>%d</max-interval>
            </session-expiry>
            <packets>
              <max-packet-size>%d</max-packet-size>
            </packets>
          </mqtt>
          <restrictions>
            <no-connect-idle-timeout>%d</no-connect-idle-timeout>
          </restrictions>
          <security>
            <allow-empty-client-id>
              <enabled>false</enabled>
            </allow-empty-client-id>
          </security>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
        </hivemq>
        """.formatted(listener(settings, port), settings.maxQueuedMessagesPerClient(),
        settings.maxSessionExpiry().toSeconds(), settings.maxPacketSizeBytes(), NO_CONNECT_IDLE_TIMEOUT_MS);
  }

  private static String listener(BrokerSettings settings, int port) {
    String address = "<port>" + port + "</port><bind-address>" + xmlText(settings.bindHost()) + "</bind-address>";
    if (settings.tls().isEmpty()) {
      return "    <tcp-listener>" + address + "</tcp-listener>";
    }
    ServerKeystore tls = settings.tls().get();
    StringBuilder protocols = new StringBuilder();
    TlsProtocols.ALLOWED.forEach(protocol -> protocols.append("<protocol>").append(protocol).append("</protocol>"));
    return "    <tls-tcp-listener>" + address + "<tls>"
        + "<keystore><path>" + xmlText(tls.path().toAbsolutePath().toString()) + "</path>"
        + "<password>" + xmlText(tls.password()) + "</password>"
        + "<private-key-password>" + xmlText(tls.privateKeyPassword()) + "</private-key-password></keystore>"
        + "<protocols>" + protocols + "</protocols>"
        + "</tls></tls-tcp-listener>";
  }

  private static String xmlText(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
