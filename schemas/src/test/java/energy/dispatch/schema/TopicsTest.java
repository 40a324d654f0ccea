package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicsTest {

  @ParameterizedTest
  @CsvSource(nullValues = "NONE", value = {
      "dispatch/v1/edges/site1/commands, site1",
      "dispatch/v1/edges/site1/config/request, site1",
      "dispatch/v1/edges//acks, NONE",
      "dispatch/v1/edges/site1, NONE",
      "dispatch/v1/services/opt/requests, NONE",
      "other/v1/edges/site1/acks, NONE",
  })
  void edge_of_topic(String topic, String edge) {
    assertThat(Topics.edgeOf(topic).orElse(null)).isEqualTo(edge);
  }

  @ParameterizedTest
  @CsvSource(nullValues = "NONE", value = {
      "dispatch/v1/services/opt/requests, opt",
      "dispatch/v1/services/opt/responses/x, opt",
      "dispatch/v1/edges/site1/acks, NONE",
  })
  void service_of_topic(String topic, String service) {
    assertThat(Topics.serviceOf(topic).orElse(null)).isEqualTo(service);
  }
}
