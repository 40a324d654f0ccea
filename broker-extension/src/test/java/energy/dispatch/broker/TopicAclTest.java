package energy.dispatch.broker;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.broker.AclMatrix.Principal;
import energy.dispatch.broker.AclMatrix.Publish;
import energy.dispatch.broker.AclMatrix.Subscribe;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link TopicAcl} alone against the table of {@link AclMatrix}. */
class TopicAclTest {

  @ParameterizedTest(name = "{0} publish {1}: allowed={2}")
  @MethodSource("energy.dispatch.broker.AclMatrix#publishCases")
  void publish_decisions_follow_the_table(Principal principal, Publish row, boolean allowed) {
    AclDecision decision = TopicAcl.publish(principal.authenticated(), row.topic(), row.retain(),
        Optional.ofNullable(row.responseTopic()));

    assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed);
    assertThat(decision.reason()).isNotBlank();
  }

  @ParameterizedTest(name = "{0} subscribe {1}: allowed={2}")
  @MethodSource("energy.dispatch.broker.AclMatrix#subscribeCases")
  void subscribe_decisions_follow_the_table(Principal principal, Subscribe row, boolean allowed) {
    AclDecision decision = TopicAcl.subscribe(principal.authenticated(), row.filter());

    assertThat(decision.allowed()).as(decision.reason()).isEqualTo(allowed);
    assertThat(decision.reason()).isNotBlank();
  }
}
