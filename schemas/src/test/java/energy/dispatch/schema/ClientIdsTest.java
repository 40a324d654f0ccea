package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientIdsTest {

  @ParameterizedTest(name = "{0} reserved: {1}")
  @CsvSource({
      "cloud,          true",
      "CLOUD,          true",
      "cloud-demo,     true",
      "Cloud-demo,     true",
      "service-opt,    true",
      "SERVICE-opt,    true",
      "cloudy,         false",
      "cloud_demo,     false",
      "service,        false",
      "site1_edge_a,   false",
      "my-cloud-edge,  false"})
  void an_edge_id_in_the_cloud_or_service_client_id_namespace_is_reserved(String edgeId, boolean reserved) {
    assertThat(ClientIds.reservedEdgeIdRule(edgeId).isPresent()).isEqualTo(reserved);
  }

  @ParameterizedTest(name = "node {0}")
  @CsvSource({"demo", "node-1"})
  void a_cloud_node_client_id_is_never_a_valid_edge_id(String nodeId) {
    assertThat(ClientIds.reservedEdgeIdRule(ClientIds.cloud(nodeId))).isPresent();
  }
}
