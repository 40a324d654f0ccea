package energy.dispatch.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LoginClaimTest {

  @ParameterizedTest(name = "client {0} user {1} -> {2}")
  @CsvSource(nullValues = "NULL", value = {
      "cloud-node-1,      cloud,              cloud",
      "cloud-,            cloud,              cloud",
      "node-1,            cloud,              CLIENT_IDENTIFIER_NOT_VALID",
      "site1_edge_a,      site1_edge_a,       edge:site1_edge_a",
      "site1_edge_b,      site1_edge_a,       CLIENT_IDENTIFIER_NOT_VALID",
      "cloud-x,           site1_edge_a,       CLIENT_IDENTIFIER_NOT_VALID",
      "cloud-demo,        cloud-demo,         CLIENT_IDENTIFIER_NOT_VALID",
      "Cloud-demo,        Cloud-demo,         CLIENT_IDENTIFIER_NOT_VALID",
      "service-opt,       service-opt,        CLIENT_IDENTIFIER_NOT_VALID",
      "site1/edge,        site1/edge,         BAD_USER_NAME_OR_PASSWORD",
      "+,                 +,                  BAD_USER_NAME_OR_PASSWORD",
      "service-opt,       service:opt,        service:opt",
      "service-opt-2,     service:opt,        service:opt",
      "service-optimizer, service:opt,        CLIENT_IDENTIFIER_NOT_VALID",
      "opt,               service:opt,        CLIENT_IDENTIFIER_NOT_VALID",
      "service-,          service:,           BAD_USER_NAME_OR_PASSWORD",
      "service-a,         service:a,          service:a",
      "service-a-x,       service:a,          service:a",
      "service-a-b,       service:a,          service:a",
      "service-a-b,       service:a-b,        BAD_USER_NAME_OR_PASSWORD",
      "service-a-b-x,     service:a-b,        BAD_USER_NAME_OR_PASSWORD",
      "service-a_b,       service:a,          CLIENT_IDENTIFIER_NOT_VALID",
      "anything,          NULL,               BAD_USER_NAME_OR_PASSWORD",
      "anything,          '',                 BAD_USER_NAME_OR_PASSWORD"})
  void a_login_claims_the_principal_its_user_name_and_client_id_name(String clientId, String user, String expected) {
    LoginClaim.Result result = LoginClaim.read(clientId, Optional.ofNullable(user));

    String outcome = result instanceof LoginClaim.Refused refused
        ? refused.refusal().name()
        : result.claimed().orElseThrow().asString();
    assertThat(outcome).isEqualTo(expected);
  }

  @Test
  void a_service_name_with_a_dash_is_refused_saying_why() {
    LoginClaim.Result result = LoginClaim.read("service-a-b", Optional.of("service:a-b"));

    assertThat(result).isInstanceOfSatisfying(LoginClaim.Refused.class,
        refused -> assertThat(refused.reason()).contains("a service name must be").contains("without '-'"));
  }

  @ParameterizedTest(name = "client {0}")
  @ValueSource(strings = {"service-a-b", "service-a-b-1", "service-a-"})
  void a_client_id_with_a_dash_after_the_name_is_only_ever_the_first_services(String clientId) {
    assertThat(LoginClaim.read(clientId, Optional.of("service:a")).claimed()).contains(MqttPrincipal.service("a"));
    assertThat(LoginClaim.read(clientId, Optional.of("service:a-b")).claimed()).isEmpty();
  }
}
