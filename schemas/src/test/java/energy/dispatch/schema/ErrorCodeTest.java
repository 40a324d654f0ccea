package energy.dispatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void wire_codes_are_unique_and_lowercase() {
    var codes = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList();

    assertThat(codes).doesNotHaveDuplicates().allMatch(code -> code.matches("[a-z0-9_]+"));
  }

  @Test
  void modbus_exception_keeps_its_code_in_two_digits() {
    assertThat(ErrorDetail.modbusException(2, "illegal data address").code()).isEqualTo("modbus_exception:02");
  }
}
