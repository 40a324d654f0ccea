package energy.dispatch.schema.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoopbackTest {

  @ParameterizedTest(name = "{0} is loopback: {1}")
  @CsvSource({
      "127.0.0.1, true",
      "127.1.2.3, true",
      "localhost, true",
      "LOCALHOST, true",
      "::1, true",
      "[::1], true",
      "0.0.0.0, false",
      "::, false",
      "10.0.0.5, false",
      "192.168.1.20, false",
      "hivemq, false",
      "localhost.example.com, false",
      "broker.example.com, false",
  })
  void only_localhost_and_loopback_literals_stay_on_the_machine(String host, boolean loopback) {
    assertThat(Loopback.isLoopback(host)).isEqualTo(loopback);
  }
}
