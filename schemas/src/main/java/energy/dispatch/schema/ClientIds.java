package energy.dispatch.schema;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The MQTT client-id namespaces of the three principal kinds, shared by the broker extension (which
 * enforces them at CONNECT) and the cloud (which forms its own id and refuses to register an edge that
 * would fall into another kind's namespace). The cloud's nodes use {@code cloud-<node>}, a service
 * {@code service-<name>[-...]}, an edge its edge id. Because the broker takes a session over by client id
 * alone, an edge id in the cloud's or a service's namespace would let that edge disconnect them. For the
 * same reason a service name never contains {@code -}: it ends the name in a client id, so each
 * {@code service-<name>[-...]} belongs to exactly one service. Pure.
 */
public final class ClientIds {

  /** The MQTT user name of every cloud node. */
  public static final String CLOUD_USER = "cloud";
  /** Every cloud node's client id starts with this. */
  public static final String CLOUD_PREFIX = "cloud-";
  /** Every service's client id starts with this. */
  public static final String SERVICE_PREFIX = "service-";

  /** What a service name must be, said the same way by registration, the CLI and the broker. */
  public static final String SERVICE_NAME_RULE = "1-64 letters, digits or _, without '-'"
      + " (a '-' ends the name in the client ids service-<name>-<suffix>)";

  private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

  private ClientIds() {}

  /** Why {@code name} may not be a service name, or empty when it may. */
  public static Optional<String> serviceNameRule(String name) {
    return name != null && SERVICE_NAME.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("a service name must be " + SERVICE_NAME_RULE);
  }

  /**
   * Whether {@code clientId} is one of service {@code serviceName}'s: {@code service-<name>} or
   * {@code service-<name>-<suffix>}. Since no service name contains {@code -}, at most one service answers
   * yes for any client id.
   */
  public static boolean isServiceClientId(String clientId, String serviceName) {
    String exact = SERVICE_PREFIX + serviceName;
    return serviceNameRule(serviceName).isEmpty()
        && (clientId.equals(exact) || clientId.startsWith(exact + "-"));
  }

  /** The client id of the cloud node {@code nodeId}. */
  public static String cloud(String nodeId) {
    return CLOUD_PREFIX + nodeId;
  }

  /**
   * Why {@code edgeId} may not be an edge id, or empty when it may: it must not be the cloud's user name
   * nor start, in any letter case, with the cloud's or a service's client-id prefix.
   */
  public static Optional<String> reservedEdgeIdRule(String edgeId) {
    String lower = edgeId.toLowerCase(Locale.ROOT);
    if (lower.equals(CLOUD_USER) || lower.startsWith(CLOUD_PREFIX) || lower.startsWith(SERVICE_PREFIX)) {
      return Optional.of("an edge id must not be '" + CLOUD_USER + "' nor start with '" + CLOUD_PREFIX + "' or '"
          + SERVICE_PREFIX + "' (any letter case): those MQTT client ids belong to the cloud and to services");
    }
    return Optional.empty();
  }
}
