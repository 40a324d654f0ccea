package energy.dispatch.broker;

import energy.dispatch.schema.ClientIds;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who an MQTT connection authenticated as: the cloud, one edge, or one service (optimizer).
 * Immutable. Its {@link #asString()} form ({@code cloud}, {@code edge:<id>}, {@code service:<name>}) is the
 * one the audit records and the one stamped onto publishes as {@value #USER_PROPERTY}.
 */
public record MqttPrincipal(Kind kind, String name) {

  /** The MQTT 5 user property that carries the broker-verified principal of a publish. */
  public static final String USER_PROPERTY = "dispatch-principal";

  /** Edge ids: one MQTT topic level without wildcards, as in the wire schemas. Service names: {@link ClientIds}. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final String CLOUD_NAME = "cloud";

  public enum Kind {
    CLOUD,
    EDGE,
    SERVICE
  }

  public MqttPrincipal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    boolean valid = switch (kind) {
      case CLOUD -> name.equals(CLOUD_NAME);
      case EDGE -> isValidName(name);
      case SERVICE -> ClientIds.serviceNameRule(name).isEmpty();
    };
    if (!valid) {
      throw new IllegalArgumentException("not a valid " + kind + " name: '" + name + "'");
    }
  }

  public static MqttPrincipal cloud() {
    return new MqttPrincipal(Kind.CLOUD, CLOUD_NAME);
  }

  public static MqttPrincipal edge(String edgeId) {
    return new MqttPrincipal(Kind.EDGE, edgeId);
  }

  public static MqttPrincipal service(String serviceName) {
    return new MqttPrincipal(Kind.SERVICE, serviceName);
  }

  /** Whether {@code name} can be an edge id (one topic level, no wildcards). */
  public static boolean isValidName(String name) {
    return NAME.matcher(name).matches();
  }

  /** {@code cloud}, {@code edge:<id>} or {@code service:<name>}. */
  public String asString() {
    return switch (kind) {
      case CLOUD -> CLOUD_NAME;
      case EDGE -> "edge:" + name;
      case SERVICE -> "service:" + name;
    };
  }

  /** The inverse of {@link #asString()}; empty for anything else. */
  public static Optional<MqttPrincipal> parse(String text) {
    if (text.equals(CLOUD_NAME)) {
      return Optional.of(cloud());
    }
    if (text.startsWith("edge:") && isValidName(text.substring(5))) {
      return Optional.of(edge(text.substring(5)));
    }
    if (text.startsWith("service:") && ClientIds.serviceNameRule(text.substring(8)).isEmpty()) {
      return Optional.of(service(text.substring(8)));
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return asString();
  }
}
