package energy.dispatch.broker;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.schema.Topics;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every principal against every topic family, publish and subscribe. Each row states the decision for, in
 * order: the cloud, edge A, edge B, service S (whose grant covers only A on the cloud side), and an
 * anonymous connection; Y allows, N denies.
 */
class TopicAclTest {

  private static final String A = "site1_edge_a";
  private static final String B = "site1_edge_b";
  private static final String S = "optimizer";
  private static final String T = "other_optimizer";
  private static final List<Optional<MqttPrincipal>> PRINCIPALS = List.of(Optional.of(MqttPrincipal.cloud()),
      Optional.of(MqttPrincipal.edge(A)), Optional.of(MqttPrincipal.edge(B)), Optional.of(MqttPrincipal.service(S)),
      Optional.empty());
  private static final String S_RESPONSE = Topics.serviceResponsePrefix(S) + "corr-1";
  private static final String T_RESPONSE = Topics.serviceResponsePrefix(T) + "corr-1";

  record Publish(String topic, boolean retain, String responseTopic, String expected) {}

  record Subscribe(String filter, String expected) {}

  private static final List<Publish> PUBLISHES = List.of(
      new Publish(Topics.commands(A), false, null, "YNNNN"),
      new Publish(Topics.commands(A), true, null, "NNNNN"),
      new Publish(Topics.commands(B), false, null, "YNNNN"),
      new Publish(Topics.config(A), false, null, "YNNNN"),
      new Publish(Topics.config(A), true, null, "NNNNN"),
      new Publish(Topics.acks(A), false, null, "NYNNN"),
      new Publish(Topics.acks(A), true, null, "NNNNN"),
      new Publish(Topics.acks(B), false, null, "NNYNN"),
      new Publish(Topics.acks(A), false, S_RESPONSE, "NNNNN"),
      new Publish(Topics.state(A), false, null, "NYNNN"),
      new Publish(Topics.state(A), true, null, "NYNNN"),
      new Publish(Topics.state(B), true, null, "NNYNN"),
      new Publish(Topics.configRequest(A), false, null, "NYNNN"),
      new Publish(Topics.configRequest(A), true, null, "NNNNN"),
      new Publish(Topics.configRequest(B), false, null, "NNYNN"),
      new Publish(Topics.serviceRequests(S), false, S_RESPONSE, "NNNYN"),
      new Publish(Topics.serviceRequests(S), true, S_RESPONSE, "NNNNN"),
      new Publish(Topics.serviceRequests(S), false, null, "NNNNN"),
      new Publish(Topics.serviceRequests(S), false, Topics.serviceResponsePrefix(S), "NNNNN"),
      new Publish(Topics.serviceRequests(S), false, T_RESPONSE, "NNNNN"),
      new Publish(Topics.serviceRequests(S), false, Topics.commands(A), "NNNNN"),
      new Publish(Topics.serviceRequests(T), false, T_RESPONSE, "NNNNN"),
      new Publish(S_RESPONSE, false, null, "YNNNN"),
      new Publish(S_RESPONSE, true, null, "NNNNN"),
      new Publish(Topics.serviceResponsePrefix(S), false, null, "NNNNN"),
      new Publish("$SYS/broker/clients", false, null, "NNNNN"),
      new Publish("dispatch/v1/edges", false, null, "NNNNN"),
      new Publish("dispatch/v1/other", false, null, "NNNNN"),
      new Publish("elsewhere", false, null, "NNNNN"));

  private static final List<Subscribe> SUBSCRIBES = List.of(
      new Subscribe(Topics.commands(A), "NYNNN"),
      new Subscribe(Topics.config(A), "NYNNN"),
      new Subscribe(Topics.commands(B), "NNYNN"),
      new Subscribe(Topics.config(B), "NNYNN"),
      new Subscribe(Topics.acks(A), "YNNNN"),
      new Subscribe(Topics.state(B), "YNNNN"),
      new Subscribe("dispatch/v1/edges/+/commands", "NNNNN"),
      new Subscribe("dispatch/v1/edges/+/config", "NNNNN"),
      new Subscribe("dispatch/v1/edges/+/acks", "YNNNN"),
      new Subscribe("dispatch/v1/edges/+/state", "YNNNN"),
      new Subscribe("dispatch/v1/edges/+/config/request", "YNNNN"),
      new Subscribe("dispatch/v1/edges/+/+", "NNNNN"),
      new Subscribe("dispatch/v1/edges/+/#", "NNNNN"),
      new Subscribe("dispatch/v1/edges/#", "NNNNN"),
      new Subscribe("dispatch/v1/edges/" + A + "/#", "NNNNN"),
      new Subscribe("dispatch/v1/#", "NNNNN"),
      new Subscribe("#", "NNNNN"),
      new Subscribe("+/+/+/+/+", "NNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/edges/+/acks", "YNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/edges/+/state", "YNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/edges/+/config/request", "YNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/services/+/requests", "YNNNN"),
      new Subscribe("$share/dispatch-cloud/" + Topics.commands(A), "NNNNN"),
      new Subscribe("$share/dispatch-cloud/#", "NNNNN"),
      new Subscribe("$share/other-group/dispatch/v1/edges/+/acks", "NNNNN"),
      new Subscribe("$share/" + A + "/" + Topics.commands(A), "NNNNN"),
      new Subscribe("$share/dispatch-cloud", "NNNNN"),
      new Subscribe("dispatch/v1/services/+/requests", "YNNNN"),
      new Subscribe(Topics.serviceRequests(S), "YNNNN"),
      new Subscribe("dispatch/v1/services/#", "NNNNN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "#", "NNNYN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "corr-1", "NNNYN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "+/done", "NNNYN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "a#", "NNNNN"),
      new Subscribe("dispatch/v1/services/" + S + "/responses", "NNNNN"),
      new Subscribe(Topics.serviceResponsePrefix(T) + "#", "NNNNN"),
      new Subscribe("dispatch/v1/services/+/responses/#", "NNNNN"),
      new Subscribe("$SYS/#", "NNNNN"),
      new Subscribe("$SYS/broker/clients", "NNNNN"));

  static Stream<Arguments> publishCases() {
    return PUBLISHES.stream().flatMap(row -> IntStream.range(0, PRINCIPALS.size()).mapToObj(i ->
        Arguments.of(name(i), row, row.expected().charAt(i) == 'Y')));
  }

  static Stream<Arguments> subscribeCases() {
    return SUBSCRIBES.stream().flatMap(row -> IntStream.range(0, PRINCIPALS.size()).mapToObj(i ->
        Arguments.of(name(i), row, row.expected().charAt(i) == 'Y')));
  }

  @ParameterizedTest(name = "{0} publish {1}: allowed={2}")
  @MethodSource("publishCases")
  void publish_decisions_follow_the_table(String principal, Publish row, boolean allowed) {
    AclDecision decision = TopicAcl.publish(principal(principal), row.topic(), row.retain(),
        Optional.ofNullable(row.responseTopic()));

    assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed);
    assertThat(decision.reason()).isNotBlank();
  }

  @ParameterizedTest(name = "{0} subscribe {1}: allowed={2}")
  @MethodSource("subscribeCases")
  void subscribe_decisions_follow_the_table(String principal, Subscribe row, boolean allowed) {
    AclDecision decision = TopicAcl.subscribe(principal(principal), row.filter());

    assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed);
    assertThat(decision.reason()).isNotBlank();
  }

  private static String name(int index) {
    return PRINCIPALS.get(index).map(MqttPrincipal::asString).orElse("anonymous");
  }

  private static Optional<MqttPrincipal> principal(String name) {
    return MqttPrincipal.parse(name);
  }
}
