package energy.dispatch.cloud.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ingress's own checks, behind the broker's: they hold should a request reach the cloud without
 * passing the extension (a misconfigured broker, a second listener). Through the real broker these
 * requests never arrive, which the broker's access tests show.
 */
class OptimizerIngressTest {

  @ParameterizedTest(name = "{0} stamped {1}: {2}")
  @CsvSource(nullValues = "none", value = {
      "opt_a, service:opt_a, true",
      "opt_a, service:opt_b, false",
      "opt_a, cloud,         false",
      "opt_a, none,          false",
      "opt_a, service:opt_a_x, false"})
  void only_a_request_stamped_with_the_service_of_its_topic_is_taken(String service, String stamp, boolean taken) {
    assertThat(OptimizerIngress.isStampedAsItsTopic(request(service, stamp, "dispatch/v1/services/" + service
        + "/responses/run"))).isEqualTo(taken);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(nullValues = "none", value = {
      "dispatch/v1/services/opt_a/responses/run,     true",
      "dispatch/v1/services/opt_a/responses/a/b,     true",
      "dispatch/v1/services/opt_a/responses/,        false",
      "dispatch/v1/services/opt_a/responses,         false",
      "dispatch/v1/services/opt_b/responses/run,     false",
      "dispatch/v1/services/opt_a_x/responses/run,   false",
      "dispatch/v1/edges/site1_edge_prod/commands,   false",
      "none,                                         false"})
  void a_response_topic_must_lie_strictly_below_the_services_own_prefix(String responseTopic, boolean own) {
    assertThat(OptimizerIngress.hasOwnResponseTopic(request("opt_a", "service:opt_a", responseTopic))).isEqualTo(own);
  }

  private static OptimizerIngress.Request request(String service, String stamp, String responseTopic) {
    return new OptimizerIngress.Request(service, stamp, responseTopic, null, new byte[0]);
  }
}
