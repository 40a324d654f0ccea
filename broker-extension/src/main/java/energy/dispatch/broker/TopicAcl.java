package energy.dispatch.broker;

import energy.dispatch.schema.Topics;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may publish and subscribe where, over the topic tree of {@link Topics}. Denies by default: every
 * rule below names what is allowed, anything else is refused with a reason. Pure and thread-safe.
 *
 * <ul>
 *   <li>cloud: publishes commands and configs to any edge and responses to any service; subscribes to
 *       every edge's acks, state and config requests and every service's requests, shared in the group
 *       {@value Topics#CLOUD_SHARE_GROUP} or not;
 *   <li>edge E: subscribes to its own commands and config; publishes its own acks, state (retained allowed,
 *       also as last will) and config requests;
 *   <li>service S: publishes its requests, with an MQTT 5 response topic under its own response prefix;
 *       subscribes below that prefix;
 *   <li>nobody but the cloud joins shared subscriptions; nobody publishes retained commands; {@code $}
 *       topics are refused.
 * </ul>
 */
public final class TopicAcl {

  private static final String SHARE_PREFIX = "$share/";
  private static final Set<String> CLOUD_EDGE_LEAVES = Set.of("acks", "state", "config/request");
  private static final String ANONYMOUS = "not authenticated";

  private TopicAcl() {}

  /**
   * May {@code principal} publish to {@code topic}?
   *
   * @param responseTopic the MQTT 5 response topic of the publish, if it has one
   */
  public static AclDecision publish(Optional<MqttPrincipal> principal, String topic, boolean retain,
      Optional<String> responseTopic) {
    if (principal.isEmpty()) {
      return AclDecision.deny(ANONYMOUS);
    }
    if (topic.startsWith("$")) {
      return AclDecision.deny("topics starting with '$' are reserved");
    }
    if (retain && isCommandTopic(topic)) {
      return AclDecision.deny("retained messages are refused on command topics");
    }
    MqttPrincipal who = principal.get();
    return switch (who.kind()) {
      case CLOUD -> cloudPublish(topic, retain);
      case EDGE -> edgePublish(who.name(), topic, retain, responseTopic);
      case SERVICE -> servicePublish(who.name(), topic, retain, responseTopic);
    };
  }

  /** May {@code principal} subscribe with {@code topicFilter} (possibly a {@code $share/...} filter)? */
  public static AclDecision subscribe(Optional<MqttPrincipal> principal, String topicFilter) {
    if (principal.isEmpty()) {
      return AclDecision.deny(ANONYMOUS);
    }
    MqttPrincipal who = principal.get();
    if (topicFilter.startsWith(SHARE_PREFIX)) {
      return sharedSubscribe(who, topicFilter);
    }
    if (topicFilter.startsWith("$")) {
      return AclDecision.deny("topics starting with '$' are reserved");
    }
    return switch (who.kind()) {
      case CLOUD -> cloudSubscribe(topicFilter);
      case EDGE -> edgeSubscribe(who.name(), topicFilter);
      case SERVICE -> serviceSubscribe(who.name(), topicFilter);
    };
  }

  private static AclDecision cloudPublish(String topic, boolean retain) {
    if (retain) {
      return AclDecision.deny("the cloud publishes nothing retained");
    }
    Optional<String> edge = Topics.edgeOf(topic).filter(MqttPrincipal::isValidName);
    if (edge.isPresent() && (topic.equals(Topics.commands(edge.get())) || topic.equals(Topics.config(edge.get())))) {
      return AclDecision.allow();
    }
    Optional<String> service = Topics.serviceOf(topic).filter(MqttPrincipal::isValidName);
    if (service.isPresent() && isStrictlyBelow(topic, Topics.serviceResponsePrefix(service.get()))) {
      return AclDecision.allow();
    }
    return AclDecision.deny("the cloud publishes only edge commands and configs and service responses");
  }

  private static AclDecision edgePublish(String edgeId, String topic, boolean retain, Optional<String> responseTopic) {
    boolean own = topic.equals(Topics.acks(edgeId)) || topic.equals(Topics.state(edgeId))
        || topic.equals(Topics.configRequest(edgeId));
    if (!own) {
      return AclDecision.deny("an edge publishes only its own acks, state and config requests");
    }
    if (retain && !topic.equals(Topics.state(edgeId))) {
      return AclDecision.deny("an edge may retain only its state");
    }
    if (responseTopic.isPresent()) {
      return AclDecision.deny("an edge sets no response topic");
    }
    return AclDecision.allow();
  }

  private static AclDecision servicePublish(String service, String topic, boolean retain,
      Optional<String> responseTopic) {
    if (!topic.equals(Topics.serviceRequests(service))) {
      return AclDecision.deny("a service publishes only to " + Topics.serviceRequests(service));
    }
    if (retain) {
      return AclDecision.deny("a service's requests are never retained");
    }
    String prefix = Topics.serviceResponsePrefix(service);
    if (responseTopic.filter(response -> isStrictlyBelow(response, prefix)).isEmpty()) {
      return AclDecision.deny("a request needs an MQTT 5 response topic under " + prefix);
    }
    return AclDecision.allow();
  }

  private static AclDecision sharedSubscribe(MqttPrincipal who, String topicFilter) {
    if (who.kind() != MqttPrincipal.Kind.CLOUD) {
      return AclDecision.deny("only the cloud joins shared subscriptions");
    }
    String groupAndFilter = topicFilter.substring(SHARE_PREFIX.length());
    int slash = groupAndFilter.indexOf('/');
    if (slash <= 0 || !groupAndFilter.substring(0, slash).equals(Topics.CLOUD_SHARE_GROUP)) {
      return AclDecision.deny("the cloud shares only in the group " + Topics.CLOUD_SHARE_GROUP);
    }
    return cloudSubscribe(groupAndFilter.substring(slash + 1));
  }

  private static AclDecision cloudSubscribe(String filter) {
    Optional<String> edgeLeaf = edgeLeaf(filter);
    if (edgeLeaf.filter(CLOUD_EDGE_LEAVES::contains).isPresent() && hasEdgeOrPlus(filter, Topics.EDGES)) {
      return AclDecision.allow();
    }
    if (filter.startsWith(Topics.SERVICES) && hasEdgeOrPlus(filter, Topics.SERVICES)
        && filter.endsWith("/requests") && levels(filter).size() == levels(Topics.serviceRequests("x")).size()) {
      return AclDecision.allow();
    }
    return AclDecision.deny("the cloud subscribes only to edge acks, state and config requests and service requests");
  }

  private static AclDecision edgeSubscribe(String edgeId, String filter) {
    if (filter.equals(Topics.commands(edgeId)) || filter.equals(Topics.config(edgeId))) {
      return AclDecision.allow();
    }
    return AclDecision.deny("an edge subscribes only to its own commands and config");
  }

  private static AclDecision serviceSubscribe(String service, String filter) {
    String prefix = Topics.serviceResponsePrefix(service);
    if (isStrictlyBelow(filter, prefix) && isValidFilter(filter.substring(prefix.length()))) {
      return AclDecision.allow();
    }
    return AclDecision.deny("a service subscribes only below " + prefix);
  }

  /** The part after {@code dispatch/v1/edges/<level>/}, e.g. {@code acks} or {@code config/request}. */
  private static Optional<String> edgeLeaf(String topic) {
    return Topics.edgeOf(topic).map(level -> topic.substring(Topics.EDGES.length() + level.length() + 1));
  }

  /** Whether the level after {@code root} is {@code +} or a valid name. */
  private static boolean hasEdgeOrPlus(String filter, String root) {
    String rest = filter.substring(root.length());
    int slash = rest.indexOf('/');
    String level = slash < 0 ? rest : rest.substring(0, slash);
    return level.equals("+") || MqttPrincipal.isValidName(level);
  }

  private static boolean isCommandTopic(String topic) {
    return edgeLeaf(topic).filter(leaf -> leaf.equals("commands")).isPresent();
  }

  private static boolean isStrictlyBelow(String topic, String prefix) {
    return topic.length() > prefix.length() && topic.startsWith(prefix);
  }

  /** MQTT filter syntax for the levels below a prefix: {@code +} alone, {@code #} alone and last. */
  private static boolean isValidFilter(String levelsBelow) {
    List<String> levels = levels(levelsBelow);
    for (int i = 0; i < levels.size(); i++) {
      String level = levels.get(i);
      boolean wildcard = level.equals("+") || (level.equals("#") && i == levels.size() - 1);
      if (!wildcard && (level.contains("+") || level.contains("#"))) {
        return false;
      }
    }
    return true;
  }

  private static List<String> levels(String topic) {
    return List.of(topic.split("/", -1));
  }
}
