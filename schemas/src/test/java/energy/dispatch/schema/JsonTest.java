package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

/** The wire's reader refuses a message that could be read two ways. */
class JsonTest {

  @Test
  void a_field_given_twice_is_refused_naming_it() {
    assertThatThrownBy(() -> Json.mapper().readTree("{\"value\": 1000, \"value\": -1000}"))
        .isInstanceOf(JsonProcessingException.class).hasMessageContaining("Duplicate field 'value'");
  }

  @Test
  void anything_after_the_json_value_is_refused() {
    assertThatThrownBy(() -> Json.mapper().readTree("{\"value\": 1000} garbage"))
        .isInstanceOf(JsonProcessingException.class).hasMessageContaining("'garbage'");
    assertThatThrownBy(() -> Json.mapper().readTree("{\"value\": 1000}{}"))
        .isInstanceOf(JsonProcessingException.class).hasMessageContaining("Trailing token");
  }

  @Test
  void one_object_with_trailing_whitespace_reads_as_before() throws Exception {
    assertThat(Json.mapper().readTree("{\"value\": 1000}\n  ").path("value").asInt()).isEqualTo(1000);
  }
}
