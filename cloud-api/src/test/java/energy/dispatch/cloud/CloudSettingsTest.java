package energy.dispatch.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.schema.DedupeWindow;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudSettingsTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void reads_a_postgresql_url_with_credentials_and_applies_defaults() {
    CloudSettings settings = CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", "postgresql://dispatch:p%40ss@db.local:5433/dispatch?sslmode=disable",
        "DISPATCH_JWT_SECRET", SECRET));

    assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5433/dispatch?sslmode=disable");
    assertThat(settings.databaseUser()).isEqualTo("dispatch");
    assertThat(settings.databasePassword()).isEqualTo("p@ss");
    assertThat(settings.httpHost()).isEqualTo("127.0.0.1");
    assertThat(settings.httpPort()).isEqualTo(8080);
    assertThat(settings.deliveryTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.defaultExpiry()).isEqualTo(Duration.ofHours(24));
    assertThat(settings.maxExpiry()).isEqualTo(Duration.ofDays(7));
    assertThat(settings.inFlightWindow()).isEqualTo(16);
    assertThat(settings.outboxCapacity()).isEqualTo(1000);
    assertThat(settings.redisKeyPrefix()).isEqualTo("dispatch:");
    assertThat(settings.mqttClientId()).isEqualTo("cloud-" + settings.nodeId());
  }

  @Test
  void reads_a_jdbc_url_with_separate_user_and_admin_list() {
    CloudSettings settings = CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/x", "DATABASE_USER", "u", "DATABASE_PASSWORD", "pw",
        "DISPATCH_JWT_SECRET", SECRET, "DISPATCH_ADMIN_USERS", "1, 2", "DISPATCH_HTTP_PORT", "0"));

    assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/x");
    assertThat(settings.databaseUser()).isEqualTo("u");
    assertThat(settings.httpPort()).isZero();
    assertThat(settings.isAdmin("user:2")).isTrue();
    assertThat(settings.isAdmin("user:3")).isFalse();
    assertThat(settings.isAdmin("service:2")).isFalse();
  }

  @Test
  void reports_every_wrong_variable_by_name() {
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(Map.of("DISPATCH_HTTP_PORT", "eighty")))
        .hasMessageContaining("DISPATCH_HTTP_PORT='eighty'")
        .hasMessageContaining("DATABASE_URL is not set");
  }

  @Test
  void a_maximum_expiry_beyond_the_edges_dedupe_window_is_refused_naming_the_setting_and_the_limit() {
    long window = DedupeWindow.EDGE.toSeconds();

    assertThatThrownBy(() -> CloudSettings.fromEnvironment(Map.of("DATABASE_URL", "postgresql://u@h/d",
        "DISPATCH_JWT_SECRET", SECRET, "DISPATCH_MAX_EXPIRY_SEC", Long.toString(window + 1))))
        .hasMessageContaining("DISPATCH_MAX_EXPIRY_SEC (" + (window + 1) + ")")
        .hasMessageContaining("dedupe window of " + window + " s")
        .hasMessageContaining("at most " + window);
    assertThat(CloudSettings.fromEnvironment(Map.of("DATABASE_URL", "postgresql://u@h/d",
        "DISPATCH_JWT_SECRET", SECRET, "DISPATCH_MAX_EXPIRY_SEC", Long.toString(window))).maxExpiry())
        .isEqualTo(DedupeWindow.EDGE);
  }

  @Test
  void refuses_a_short_jwt_secret() {
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", "postgresql://u@h/d", "DISPATCH_JWT_SECRET", "short")))
        .hasMessageContaining("DISPATCH_JWT_SECRET");
  }

  @Test
  void never_prints_secrets() {
    CloudSettings settings = CloudSettings.fromEnvironment(Map.of(
        "DATABASE_URL", "postgresql://u:dbpassword@h/d", "DISPATCH_JWT_SECRET", SECRET,
        "REDIS_URL", "redis://:redispassword@h:6379", "DISPATCH_CLOUD_MQTT_SECRET", "mqttsecret"));

    assertThat(settings.toString()).doesNotContain(SECRET, "dbpassword", "redispassword", "mqttsecret");
  }

  @Test
  void the_default_node_id_is_the_same_on_every_start_of_one_installation() {
    Map<String, String> env = Map.of("DATABASE_URL", "postgresql://u@h/d", "DISPATCH_JWT_SECRET", SECRET,
        "HOSTNAME", "Cloud-1.example", "DISPATCH_HTTP_PORT", "8081");

    String first = CloudSettings.fromEnvironment(env).nodeId();
    String second = CloudSettings.fromEnvironment(env).nodeId();

    assertThat(first).isEqualTo(second).isEqualTo("node-cloud-1-example-8081");
  }

  @Test
  void a_set_node_id_wins_and_a_node_on_any_free_port_gets_its_own() {
    Map<String, String> anyPort = Map.of("DATABASE_URL", "postgresql://u@h/d", "DISPATCH_JWT_SECRET", SECRET,
        "HOSTNAME", "cloud-1", "DISPATCH_HTTP_PORT", "0");

    assertThat(CloudSettings.fromEnvironment(anyPort).nodeId()).isNotEqualTo(CloudSettings.fromEnvironment(anyPort).nodeId());
    assertThat(CloudSettings.fromEnvironment(Map.of("DATABASE_URL", "postgresql://u@h/d", "DISPATCH_JWT_SECRET", SECRET,
        "DISPATCH_NODE_ID", "eu-1")).nodeId()).isEqualTo("eu-1");
  }
  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("DATABASE_URL", "postgresql://u@h/d",
        "DISPATCH_JWT_SECRET", SECRET));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void plain_http_beyond_loopback_is_refused_naming_the_keystore_setting() {
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(env("DISPATCH_HTTP_HOST", "0.0.0.0")))
        .hasMessageContaining("DISPATCH_HTTP_HOST=0.0.0.0 is not a loopback address")
        .hasMessageContaining("set DISPATCH_HTTPS_KEYSTORE and DISPATCH_HTTPS_KEYSTORE_PASSWORD");
  }

  @Test
  void plain_mqtt_to_a_remote_broker_is_refused_naming_the_trust_settings() {
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(env("DISPATCH_MQTT_HOST", "hivemq")))
        .hasMessageContaining("DISPATCH_MQTT_HOST=hivemq is not a loopback address")
        .hasMessageContaining("DISPATCH_MQTT_CA_FILE")
        .hasMessageContaining("DISPATCH_MQTT_TRUSTSTORE");
  }

  @Test
  void both_plain_links_beyond_loopback_are_reported_at_once() {
    assertThatThrownBy(() -> CloudSettings.builder().database("jdbc:postgresql://h/d", "u", null).redisUrl("redis://h")
        .jwtSecret(SECRET).httpHost("10.0.0.5").mqttHost("broker.example.com").build())
        .hasMessageContaining("DISPATCH_HTTP_HOST=10.0.0.5")
        .hasMessageContaining("DISPATCH_MQTT_HOST=broker.example.com");
  }

  @Test
  void tls_settings_allow_remote_addresses() {
    CloudSettings settings = CloudSettings.fromEnvironment(env("DISPATCH_HTTP_HOST", "0.0.0.0",
        "DISPATCH_HTTPS_KEYSTORE", "/etc/dispatch/cloud.p12", "DISPATCH_HTTPS_KEYSTORE_PASSWORD", "storepass",
        "DISPATCH_MQTT_HOST", "hivemq", "DISPATCH_MQTT_CA_FILE", "/etc/dispatch/ca.pem"));

    assertThat(settings.httpScheme()).isEqualTo("https");
    assertThat(settings.httpsKeystore()).hasValueSatisfying(keystore ->
        assertThat(keystore.path()).hasToString("/etc/dispatch/cloud.p12"));
    assertThat(settings.mqttTrust()).hasValueSatisfying(trust ->
        assertThat(trust.file()).hasValue(java.nio.file.Path.of("/etc/dispatch/ca.pem")));
  }

  @Test
  void mqtt_tls_with_the_jvm_trust_store_needs_no_file() {
    CloudSettings settings = CloudSettings.fromEnvironment(env("DISPATCH_MQTT_HOST", "mqtt.example.com",
        "DISPATCH_MQTT_TLS", "true"));

    assertThat(settings.mqttTrust()).hasValueSatisfying(trust -> assertThat(trust.file()).isEmpty());
    assertThat(settings.httpScheme()).isEqualTo("http");
  }

  @Test
  void incomplete_or_contradictory_tls_settings_are_each_named() {
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(env("DISPATCH_HTTPS_KEYSTORE", "/k.p12")))
        .hasMessageContaining("DISPATCH_HTTPS_KEYSTORE_PASSWORD must be set with DISPATCH_HTTPS_KEYSTORE");
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(env("DISPATCH_MQTT_TRUSTSTORE", "/t.p12")))
        .hasMessageContaining("DISPATCH_MQTT_TRUSTSTORE_PASSWORD must be set with DISPATCH_MQTT_TRUSTSTORE");
    assertThatThrownBy(() -> CloudSettings.fromEnvironment(env("DISPATCH_MQTT_TRUSTSTORE", "/t.p12",
        "DISPATCH_MQTT_TRUSTSTORE_PASSWORD", "x", "DISPATCH_MQTT_CA_FILE", "/ca.pem")))
        .hasMessageContaining("set either DISPATCH_MQTT_CA_FILE or DISPATCH_MQTT_TRUSTSTORE, not both");
  }

  @Test
  void never_prints_tls_passwords() {
    CloudSettings settings = CloudSettings.fromEnvironment(env(
        "DISPATCH_HTTPS_KEYSTORE", "/k.p12", "DISPATCH_HTTPS_KEYSTORE_PASSWORD", "httpsstorepassword",
        "DISPATCH_MQTT_TRUSTSTORE", "/t.p12", "DISPATCH_MQTT_TRUSTSTORE_PASSWORD", "mqtttrustpassword"));

    assertThat(settings.toString()).contains("/k.p12", "/t.p12")
        .doesNotContain("httpsstorepassword", "mqtttrustpassword");
  }
}
