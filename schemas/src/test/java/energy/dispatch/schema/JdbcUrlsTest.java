package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcUrlsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "jdbc:postgresql://127.0.0.1:5432/dispatch | jdbc:postgresql://127.0.0.1:5432/dispatch",
      "jdbc:postgresql://db/dispatch?user=u&password=hunter2 | jdbc:postgresql://db/dispatch?***",
      "jdbc:postgresql://u:hunter2@db/dispatch | jdbc:postgresql://***@db/dispatch",
      "jdbc:postgresql://db/d@x | jdbc:postgresql://db/d@x",
      "jdbc:postgresql://u:hunter2@db/dispatch?sslmode=require | jdbc:postgresql://***@db/dispatch?***"})
  void a_password_in_the_query_or_the_user_information_never_shows(String url, String shown) {
    assertThat(JdbcUrls.redacted(url)).isEqualTo(shown).doesNotContain("hunter2");
  }
}
