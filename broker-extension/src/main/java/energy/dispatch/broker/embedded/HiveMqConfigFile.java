package energy.dispatch.broker.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the {@code config.xml} HiveMQ reads at start, from the broker settings and a resolved port. */
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
            <tcp-listener>
              <port>%d</port>
              <bind-address>%s</bind-address>
            </tcp-listener>
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
        """.formatted(port, xmlText(settings.bindHost()), settings.maxQueuedMessagesPerClient(),
        settings.maxSessionExpiry().toSeconds(), settings.maxPacketSizeBytes(), NO_CONNECT_IDLE_TIMEOUT_MS);
  }

  private static String xmlText(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
