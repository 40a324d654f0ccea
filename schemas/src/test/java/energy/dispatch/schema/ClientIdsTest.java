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

  @ParameterizedTest(name = "service name {0} allowed: {1}")
  @CsvSource({
      "optimizer,      true",
      "opt_1,          true",
      "Opt2,           true",
      "opt-1,          false",
      "-opt,           false",
      "opt/1,          false",
      "'',             false"})
  void a_service_name_is_letters_digits_and_underscores_only(String name, boolean allowed) {
    assertThat(ClientIds.serviceNameRule(name).isEmpty()).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "client {0} of service {1}: {2}")
  @CsvSource({
      "service-a,       a,    true",
      "service-a-x,     a,    true",
      "service-a-b,     a,    true",
      "service-a-b,     a-b,  false",
      "service-a_b,     a,    false",
      "service-ab,      a,    false",
      "a,               a,    false"})
  void a_service_client_id_belongs_to_the_one_service_named_before_its_first_dash(
      String clientId, String serviceName, boolean belongs) {
    assertThat(ClientIds.isServiceClientId(clientId, serviceName)).isEqualTo(belongs);
  }
}
