package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import energy.dispatch.broker.CredentialDatabase;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.schema.Topics;
import energy.dispatch.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The distribution zip unpacked into the extensions folder of a HiveMQ that knows nothing of the extension
 * otherwise, as a standalone HiveMQ would load it. Runs after the package phase, which builds the zip, and
 * without the module's own classes on the class path (see the pom), so every extension class comes from the
 * zip; it therefore uses no main class of this module itself.
 */
class PackagedExtensionIT {

  private static final String EDGE = "site1_edge_prod";
  private static final String EDGE_SECRET = CredentialHash.newSecret();
  private static final String CLOUD_SECRET = CredentialHash.newSecret();

  @TempDir
  Path home;

  private EmbeddedHiveMQ hivemq;
  private int port;

  @Test
  void packaged_extension_authenticates_edges_and_enforces_the_acl() throws Exception {
    CredentialDatabase db = CredentialDatabase.fresh();
    db.update("INSERT INTO edges (edge_id, site_id, secret_hash) VALUES (?, 'site1', ?)", EDGE,
        CredentialHash.hash(EDGE_SECRET));
    Path extensionFolder = unpackDistribution();
    Files.writeString(extensionFolder.resolve("dispatch-extension.properties"), String.join("\n",
        "jdbc.url=" + db.jdbcUrl(), "jdbc.user=" + db.user(), "jdbc.password=" + db.password(),
        "cloud.secret.sha256=" + CredentialHash.hash(CLOUD_SECRET), "refresh.ms=500", "auth.failure.delay.ms=100"));
    startHiveMq();

    try (MqttTestClient edge = new MqttTestClient(port, EDGE);
        MqttTestClient impostor = new MqttTestClient(port, EDGE);
        MqttTestClient cloud = new MqttTestClient(port, "cloud-1")) {
      assertThat(edge.connect(EDGE, EDGE_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(edge.subscribe(Topics.commands("site2_edge_prod")))
          .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
      assertThat(edge.subscribe(Topics.commands(EDGE))).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
      assertThat(impostor.connect(EDGE, CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(cloud.connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    } finally {
      stopHiveMq();
    }
  }

  @Test
  void packaged_extension_with_a_bad_configuration_leaves_the_broker_admitting_no_client() throws Exception {
    Path extensionFolder = unpackDistribution();
    Files.writeString(extensionFolder.resolve("dispatch-extension.properties"), "refresh.ms=soon\n");

    List<ILoggingEvent> errors = errorsWhile(this::startHiveMq);

    assertAdmitsNoClient();
    assertThat(errors).anySatisfy(error -> {
      assertThat(error.getFormattedMessage()).contains("refused to start", "admits no client");
      assertThat(error.getThrowableProxy().getMessage()).contains("refresh.ms must be a positive number");
    });
  }

  @Test
  void packaged_extension_whose_database_is_unreachable_at_start_leaves_the_broker_admitting_no_client()
      throws Exception {
    Path extensionFolder = unpackDistribution();
    Files.writeString(extensionFolder.resolve("dispatch-extension.properties"), String.join("\n",
        "jdbc.url=jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/dispatch", "jdbc.user=dispatch",
        "cloud.secret.sha256=" + CredentialHash.hash(CLOUD_SECRET)));

    List<ILoggingEvent> errors = errorsWhile(this::startHiveMq);

    assertAdmitsNoClient();
    assertThat(errors).anySatisfy(error -> assertThat(error.getThrowableProxy().getMessage())
        .contains("cannot load broker credentials"));
  }

  /** What an operator of a stock HiveMQ sees from outside: every CONNECT refused, credentials or not. */
  private void assertAdmitsNoClient() throws Exception {
    try (MqttTestClient cloud = new MqttTestClient(port, "cloud-1");
        MqttTestClient anonymous = new MqttTestClient(port, "anyone")) {
      assertThat(cloud.connect("cloud", CLOUD_SECRET)).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
      assertThat(anonymous.connectAnonymously()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    } finally {
      stopHiveMq();
    }
  }

  /** The ERROR lines logged while {@code action} runs: HiveMQ's log, as an operator reads it. */
  private static List<ILoggingEvent> errorsWhile(Callable<?> action) throws Exception {
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    captured.start();
    root.addAppender(captured);
    try {
      action.call();
    } finally {
      root.detachAppender(captured);
    }
    return captured.list.stream().filter(event -> event.getLevel() == Level.ERROR).toList();
  }

  private int startHiveMq() throws Exception {
    port = FreePorts.next();
    Path config = Files.createDirectories(home.resolve("conf"));
    Files.writeString(config.resolve("config.xml"), """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
          </listeners>
          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
        </hivemq>
        """.formatted(port));
    hivemq = EmbeddedHiveMQ.builder()
        .withConfigurationFolder(config)
        .withDataFolder(Files.createDirectories(home.resolve("data")))
        .withExtensionsFolder(home.resolve("extensions"))
        .withoutLoggingBootstrap()
        .build();
    // a standalone HiveMQ refuses clients when no authenticator is registered; embedded mode turns that off
    InternalConfigurations.AUTH_DENY_UNAUTHENTICATED_CONNECTIONS.set(true);
    hivemq.start().get(60, TimeUnit.SECONDS);
    return port;
  }

  private void stopHiveMq() throws Exception {
    hivemq.close();
  }

  /** Set by the build; when a single test runs from the command line, the zip the last package left. */
  private static Path distributionZip() throws IOException {
    String configured = System.getProperty("dispatch.extension.zip");
    if (configured != null) {
      return Path.of(configured);
    }
    try (var candidates = Files.list(Path.of("target"))) {
      return candidates.filter(path -> path.getFileName().toString().endsWith("-distribution.zip")).findFirst()
          .orElseThrow(() -> new IOException("no distribution zip in target/: run mvn package first"));
    }
  }

  private Path unpackDistribution() throws IOException {
    Path zip = distributionZip();
    Path extensions = Files.createDirectories(home.resolve("extensions"));
    try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
      for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
        Path target = extensions.resolve(entry.getName()).normalize();
        if (!target.startsWith(extensions)) {
          throw new IOException("zip entry outside the folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return extensions.resolve("dispatch-broker-extension");
  }
}
