package energy.dispatch.broker;

import energy.dispatch.schema.Topics;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The ACL as a table: every principal against every topic family, publish and subscribe. Each row states
 * the decision for the principals in the order of {@link Principal}; Y allows, N denies. {@link TopicAclTest}
 * checks it against {@link TopicAcl} alone, {@code BrokerAclMatrixTest} against the running broker.
 */
public final class AclMatrix {

  public static final String EDGE_A_ID = "site1_edge_a";
  public static final String EDGE_B_ID = "site1_edge_b";
  public static final String SERVICE_NAME = "optimizer";
  private static final String A = EDGE_A_ID;
  private static final String B = EDGE_B_ID;
  private static final String S = SERVICE_NAME;
  private static final String T = "other_optimizer";
  private static final String S_RESPONSE = Topics.serviceResponsePrefix(S) + "corr-1";
  private static final String T_RESPONSE = Topics.serviceResponsePrefix(T) + "corr-1";

  /**
   * Who connects. The service's grants cover only edge A, which the cloud checks on what it receives; the
   * broker's ACL does not know grants. Anonymous and wrong-password connections get no principal.
   */
  public enum Principal {
    CLOUD(Optional.of(MqttPrincipal.cloud())),
    EDGE_A(Optional.of(MqttPrincipal.edge(A))),
    EDGE_B(Optional.of(MqttPrincipal.edge(B))),
    SERVICE(Optional.of(MqttPrincipal.service(S))),
    ANONYMOUS(Optional.empty()),
    WRONG_PASSWORD(Optional.empty());

    private final Optional<MqttPrincipal> authenticated;

    Principal(Optional<MqttPrincipal> authenticated) {
      this.authenticated = authenticated;
    }

    /** The principal the authenticator records; empty for a connection it refuses. */
    public Optional<MqttPrincipal> authenticated() {
      return authenticated;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /** A row of the table: its decisions, one letter per principal. */
  public interface Row {
    String expected();

    default boolean allows(Principal principal) {
      return expected().charAt(principal.ordinal()) == 'Y';
    }
  }

  public record Publish(String topic, boolean retain, String responseTopic, String expected) implements Row {

    @Override
    public String toString() {
      return topic + (retain ? " retained" : "") + (responseTopic == null ? "" : " responding to " + responseTopic);
    }
  }

  public record Subscribe(String filter, String expected) implements Row {

    @Override
    public String toString() {
      return filter;
    }
  }

  static final List<Publish> PUBLISHES = List.of(
      new Publish(Topics.commands(A), false, null, "YNNNNN"),
      new Publish(Topics.commands(A), true, null, "NNNNNN"),
      new Publish(Topics.commands(B), false, null, "YNNNNN"),
      new Publish(Topics.config(A), false, null, "YNNNNN"),
      new Publish(Topics.config(A), true, null, "NNNNNN"),
      new Publish(Topics.acks(A), false, null, "NYNNNN"),
      new Publish(Topics.acks(A), true, null, "NNNNNN"),
      new Publish(Topics.acks(B), false, null, "NNYNNN"),
      new Publish(Topics.acks(A), false, S_RESPONSE, "NNNNNN"),
      new Publish(Topics.state(A), false, null, "NYNNNN"),
      new Publish(Topics.state(A), true, null, "NYNNNN"),
      new Publish(Topics.state(B), true, null, "NNYNNN"),
      new Publish(Topics.configRequest(A), false, null, "NYNNNN"),
      new Publish(Topics.configRequest(A), true, null, "NNNNNN"),
      new Publish(Topics.configRequest(B), false, null, "NNYNNN"),
      new Publish(Topics.serviceRequests(S), false, S_RESPONSE, "NNNYNN"),
      new Publish(Topics.serviceRequests(S), true, S_RESPONSE, "NNNNNN"),
      new Publish(Topics.serviceRequests(S), false, null, "NNNNNN"),
      new Publish(Topics.serviceRequests(S), false, Topics.serviceResponsePrefix(S), "NNNNNN"),
      new Publish(Topics.serviceRequests(S), false, T_RESPONSE, "NNNNNN"),
      new Publish(Topics.serviceRequests(S), false, Topics.commands(A), "NNNNNN"),
      new Publish(Topics.serviceRequests(T), false, T_RESPONSE, "NNNNNN"),
      new Publish(S_RESPONSE, false, null, "YNNNNN"),
      new Publish(S_RESPONSE, true, null, "NNNNNN"),
      new Publish(Topics.serviceResponsePrefix(S), false, null, "NNNNNN"),
      new Publish("$SYS/broker/clients", false, null, "NNNNNN"),
      new Publish("dispatch/v1/edges", false, null, "NNNNNN"),
      new Publish("dispatch/v1/other", false, null, "NNNNNN"),
      new Publish("elsewhere", false, null, "NNNNNN"));

  static final List<Subscribe> SUBSCRIBES = List.of(
      new Subscribe(Topics.commands(A), "NYNNNN"),
      new Subscribe(Topics.config(A), "NYNNNN"),
      new Subscribe(Topics.commands(B), "NNYNNN"),
      new Subscribe(Topics.config(B), "NNYNNN"),
      new Subscribe(Topics.acks(A), "YNNNNN"),
      new Subscribe(Topics.state(B), "YNNNNN"),
      new Subscribe("dispatch/v1/edges/+/commands", "NNNNNN"),
      new Subscribe("dispatch/v1/edges/+/config", "NNNNNN"),
      new Subscribe("dispatch/v1/edges/+/acks", "YNNNNN"),
      new Subscribe("dispatch/v1/edges/+/state", "YNNNNN"),
      new Subscribe("dispatch/v1/edges/+/config/request", "YNNNNN"),
      new Subscribe("dispatch/v1/edges/+/+", "NNNNNN"),
      new Subscribe("dispatch/v1/edges/+/#", "NNNNNN"),
      new Subscribe("dispatch/v1/edges/#", "NNNNNN"),
      new Subscribe("dispatch/v1/edges/" + A + "/#", "NNNNNN"),
      new Subscribe("dispatch/v1/#", "NNNNNN"),
      new Subscribe("#", "NNNNNN"),
      new Subscribe("+/+/+/+/+", "NNNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/edges/+/acks", "YNNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/edges/+/state", "YNNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/edges/+/config/request", "YNNNNN"),
      new Subscribe("$share/dispatch-cloud/dispatch/v1/services/+/requests", "YNNNNN"),
      new Subscribe("$share/dispatch-cloud/" + Topics.commands(A), "NNNNNN"),
      new Subscribe("$share/dispatch-cloud/#", "NNNNNN"),
      new Subscribe("$share/other-group/dispatch/v1/edges/+/acks", "NNNNNN"),
      new Subscribe("$share/" + A + "/" + Topics.commands(A), "NNNNNN"),
      new Subscribe("$share/dispatch-cloud", "NNNNNN"),
      new Subscribe("dispatch/v1/services/+/requests", "YNNNNN"),
      new Subscribe(Topics.serviceRequests(S), "YNNNNN"),
      new Subscribe("dispatch/v1/services/#", "NNNNNN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "#", "NNNYNN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "corr-1", "NNNYNN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "+/done", "NNNYNN"),
      new Subscribe(Topics.serviceResponsePrefix(S) + "a#", "NNNNNN"),
      new Subscribe("dispatch/v1/services/" + S + "/responses", "NNNNNN"),
      new Subscribe(Topics.serviceResponsePrefix(T) + "#", "NNNNNN"),
      new Subscribe("dispatch/v1/services/+/responses/#", "NNNNNN"),
      new Subscribe("$SYS/#", "NNNNNN"),
      new Subscribe("$SYS/broker/clients", "NNNNNN"));


  private AclMatrix() {}

  /** Arguments (principal, row, allowed) for every publish row and every principal. */
  public static Stream<Arguments> publishCases() {
    return cases(PUBLISHES);
  }

  /** Arguments (principal, row, allowed) for every subscribe row and every principal. */
  public static Stream<Arguments> subscribeCases() {
    return cases(SUBSCRIBES);
  }

  private static Stream<Arguments> cases(List<? extends Row> rows) {
    return rows.stream().flatMap(row -> Arrays.stream(Principal.values())
        .map(principal -> Arguments.of(principal, row, row.allows(principal))));
  }
}
