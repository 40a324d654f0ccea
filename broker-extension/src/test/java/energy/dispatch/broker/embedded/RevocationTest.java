package energy.dispatch.broker.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import energy.dispatch.broker.CredentialDatabase;
import energy.dispatch.broker.JdbcCredentialStore;
import energy.dispatch.schema.CredentialHash;
import energy.dispatch.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker with credentials from PostgreSQL: revocation and rotation end live sessions. */
class RevocationTest {

  private static final String CLOUD_HASH = CredentialHash.hash(CredentialHash.newSecret());

  @TempDir
  Path dataFolder;

  @Test
  void revoked_edge_is_disconnected_and_cannot_reconnect() throws Exception {
    CredentialDatabase db = CredentialDatabase.fresh();
    String secret = CredentialHash.newSecret();
    db.update("INSERT INTO edges (edge_id, site_id, secret_hash) VALUES (?, 'site1', ?)", "site1_edge_prod",
        CredentialHash.hash(secret));
    try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.defaults(dataFolder), store(db));
        MqttTestClient edge = new MqttTestClient(broker.port(), "site1_edge_prod");
        MqttTestClient again = new MqttTestClient(broker.port(), "site1_edge_prod")) {
      assertThat(edge.connect("site1_edge_prod", secret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

      db.update("UPDATE edges SET revoked_at = now() WHERE edge_id = ?", "site1_edge_prod");

      await().atMost(Duration.ofSeconds(10)).until(() -> !edge.isConnected());
      assertThat(again.connect("site1_edge_prod", secret)).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
    }
  }

  @Test
  void rotated_secret_ends_the_old_session_and_admits_the_new_secret() throws Exception {
    CredentialDatabase db = CredentialDatabase.fresh();
    String oldSecret = CredentialHash.newSecret();
    String newSecret = CredentialHash.newSecret();
    db.update("INSERT INTO edges (edge_id, site_id, secret_hash) VALUES (?, 'site1', ?)", "edge_r",
        CredentialHash.hash(oldSecret));
    try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.defaults(dataFolder), store(db));
        MqttTestClient edge = new MqttTestClient(broker.port(), "edge_r");
        MqttTestClient renewed = new MqttTestClient(broker.port(), "edge_r")) {
      assertThat(edge.connect("edge_r", oldSecret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);

      db.update("UPDATE edges SET secret_hash = ?, credential_version = credential_version + 1 WHERE edge_id = ?",
          CredentialHash.hash(newSecret), "edge_r");

      await().atMost(Duration.ofSeconds(10)).until(() -> !edge.isConnected());
      assertThat(renewed.connect("edge_r", newSecret)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }
  }

  @Test
  void broker_does_not_start_when_the_credential_database_is_unreachable() {
    JdbcCredentialStore unreachable = new JdbcCredentialStore("jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/x",
        "dispatch", "not-logged", CLOUD_HASH, Duration.ofSeconds(2));

    assertThatThrownBy(() -> EmbeddedBroker.start(BrokerSettings.defaults(dataFolder), unreachable))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining("cannot load broker credentials")
        .hasMessageNotContaining("not-logged");
  }

  private static JdbcCredentialStore store(CredentialDatabase db) {
    return new JdbcCredentialStore(db.jdbcUrl(), db.user(), db.password(), CLOUD_HASH, Duration.ofMillis(200));
  }
}
