package energy.dispatch.schema;

import java.util.Optional;

/**
 * The MQTT topic tree, versioned under one root. Edges and services only ever see their own
 * branch; the broker extension enforces that with these same names.
 *
 * <pre>
 * dispatch/v1/edges/{edge}/commands         cloud → edge (QoS 1, never retained)
 * dispatch/v1/edges/{edge}/acks             edge → cloud
 * dispatch/v1/edges/{edge}/state            edge → cloud (presence, last will)
 * dispatch/v1/edges/{edge}/config/request   edge → cloud
 * dispatch/v1/edges/{edge}/config           cloud → edge
 * dispatch/v1/services/{name}/requests      optimizer → cloud (MQTT 5 request/response)
 * dispatch/v1/services/{name}/responses/... cloud → optimizer
 * </pre>
 */
public final class Topics {

  public static final String ROOT = "dispatch/v1";
  public static final String EDGES = ROOT + "/edges/";
  public static final String SERVICES = ROOT + "/services/";
  /** The shared subscription group through which cloud nodes consume edge traffic once each. */
  public static final String CLOUD_SHARE_GROUP = "dispatch-cloud";

  private Topics() {}

  public static String commands(String edgeId) {
    return EDGES + edgeId + "/commands";
  }

  public static String acks(String edgeId) {
    return EDGES + edgeId + "/acks";
  }

  public static String state(String edgeId) {
    return EDGES + edgeId + "/state";
  }

  public static String configRequest(String edgeId) {
    return EDGES + edgeId + "/config/request";
  }

  public static String config(String edgeId) {
    return EDGES + edgeId + "/config";
  }

  public static String serviceRequests(String service) {
    return SERVICES + service + "/requests";
  }

  public static String serviceResponsePrefix(String service) {
    return SERVICES + service + "/responses/";
  }

  /** The filter a cloud node subscribes to for one kind of edge traffic, e.g. {@code acks}. */
  public static String sharedEdgeFilter(String leaf) {
    return "$share/" + CLOUD_SHARE_GROUP + "/" + EDGES + "+/" + leaf;
  }

  /** The edge id of a topic under {@code dispatch/v1/edges/}, if it is one. */
  public static Optional<String> edgeOf(String topic) {
    if (!topic.startsWith(EDGES)) {
      return Optional.empty();
    }
    int end = topic.indexOf('/', EDGES.length());
    return end <= EDGES.length() ? Optional.empty() : Optional.of(topic.substring(EDGES.length(), end));
  }

  /** The service name of a topic under {@code dispatch/v1/services/}, if it is one. */
  public static Optional<String> serviceOf(String topic) {
    if (!topic.startsWith(SERVICES)) {
      return Optional.empty();
    }
    int end = topic.indexOf('/', SERVICES.length());
    return end <= SERVICES.length() ? Optional.empty() : Optional.of(topic.substring(SERVICES.length(), end));
  }
}
