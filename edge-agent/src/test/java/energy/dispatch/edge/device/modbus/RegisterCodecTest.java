package energy.dispatch.edge.device.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.schema.CapabilityConfig.Channel;
import java.util.Arrays;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegisterCodecTest {

  @ParameterizedTest(name = "{0} {1}: {2} <-> {3}")
  @CsvSource(delimiter = '|', textBlock = """
      int16   | big    | 0            | 0000
      int16   | big    | 1            | 0001
      int16   | big    | 32767        | 7FFF
      int16   | big    | -1           | FFFF
      int16   | big    | -32768       | 8000
      int16   | little | -1200        | FB50
      uint16  | big    | 0            | 0000
      uint16  | big    | 1234         | 04D2
      uint16  | big    | 65535        | FFFF
      uint16  | little | 65535        | FFFF
      int32   | big    | 0            | 0000 0000
      int32   | big    | 50000        | 0000 C350
      int32   | big    | -50000       | FFFF 3CB0
      int32   | big    | -1           | FFFF FFFF
      int32   | big    | 2147483647   | 7FFF FFFF
      int32   | big    | -2147483648  | 8000 0000
      int32   | little | 50000        | C350 0000
      int32   | little | -50000       | 3CB0 FFFF
      int32   | little | 2147483647   | FFFF 7FFF
      int32   | little | -2147483648  | 0000 8000
      uint32  | big    | 0            | 0000 0000
      uint32  | big    | 200000       | 0003 0D40
      uint32  | big    | 4294967295   | FFFF FFFF
      uint32  | little | 200000       | 0D40 0003
      uint32  | little | 65536        | 0000 0001
      float32 | big    | 0            | 0000 0000
      float32 | big    | 12.5         | 4148 0000
      float32 | big    | -12.5        | C148 0000
      float32 | big    | 50000        | 4743 5000
      float32 | little | 12.5         | 0000 4148
      float32 | little | -50000       | 5000 C743
      """)
  void value_and_register_words_convert_both_ways(String type, String wordOrder, double value, String hexWords)
      throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(channel(type, wordOrder, 1.0, 1));
    int[] words = words(hexWords);

    assertThat(codec.encode(value, 1.0)).containsExactly(words);
    assertThat(codec.decode(words, 1.0)).hasValue(value);
  }

  @ParameterizedTest(name = "{0} scale {1} sign {2}: {3} <-> {4}")
  @CsvSource(delimiter = '|', textBlock = """
      uint16  | 0.1   | 1   | 12.3     | 007B
      uint16  | 0.1   | 1   | 100      | 03E8
      uint16  | 10    | 1   | 100000   | 2710
      uint16  | 0.01  | 1   | 655.35   | FFFF
      int16   | 0.1   | -1  | 12.3     | FF85
      int16   | 100   | 1   | -3276800 | 8000
      int32   | 1     | -1  | 50000    | FFFF 3CB0
      int32   | 1     | -1  | -50000   | 0000 C350
      int32   | 0.001 | 1   | -1.5     | FFFF FA24
      uint32  | 1000  | 1   | 5000000  | 0000 1388
      float32 | 1     | -1  | 12.5     | C148 0000
      float32 | 10    | 1   | 125      | 4148 0000
      """)
  void scale_and_sign_apply_on_the_way_in_and_out(String type, double scale, int sign, double value, String hexWords)
      throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(channel(type, "big", scale, sign));
    int[] words = words(hexWords);

    assertThat(codec.encode(value, scale)).containsExactly(words);
    assertThat(codec.decode(words, scale)).hasValue(value);
  }

  @ParameterizedTest(name = "{0} scale {1} sign {2} refuses {3}")
  @CsvSource(delimiter = '|', textBlock = """
      int16   | 1     | 1   | 32768         | -32768..32767 W
      int16   | 1     | 1   | -32769        | -32768..32767 W
      uint16  | 1     | 1   | -1            | 0..65535 W
      uint16  | 1     | 1   | 65536         | 0..65535 W
      uint16  | 0.1   | 1   | 6553.6        | 0..6553.5 W
      uint16  | 10    | 1   | 655360        | 0..655350 W
      uint16  | 1     | -1  | 5             | -65535..0 W
      int32   | 1     | 1   | 2147483648    | -2147483648..2147483647 W
      int32   | 1     | 1   | -2147483649   | -2147483648..2147483647 W
      uint32  | 1     | 1   | -1            | 0..4294967295 W
      uint32  | 1     | 1   | 4294967296    | 0..4294967295 W
      float32 | 1     | 1   | 1e39          | W
      float32 | 1     | 1   | NaN           | W
      int32   | 1     | 1   | Infinity      | W
      """)
  void value_outside_the_register_is_refused_naming_value_and_range(String type, double scale, int sign, double value,
      String range) {
    RegisterCodec codec = RegisterCodec.of(channel(type, "big", scale, sign));

    assertThatThrownBy(() -> codec.encode(value, scale))
        .isInstanceOfSatisfying(DeviceException.class, e -> {
          assertThat(e.error().code()).isEqualTo("out_of_range");
          assertThat(e.getMessage()).contains("value " + RegisterCodec.plain(value)).contains(range);
        });
  }

  @ParameterizedTest(name = "exponent word {0} gives scale {1}")
  @CsvSource({"0, 1", "1, 10", "3, 1000", "65535, 0.1", "65534, 0.01", "65526, 1e-10"})
  void scale_factor_register_holds_a_signed_power_of_ten(int word, double scale) throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(sunSpecChannel());

    assertThat(codec.scale(word)).isCloseTo(scale, org.assertj.core.data.Percentage.withPercentage(1e-9));
  }

  @ParameterizedTest(name = "exponent word {0} is refused")
  @CsvSource({"32768", "11", "65525", "1500"})
  void scale_factor_that_is_no_small_exponent_is_refused(int word) {
    RegisterCodec codec = RegisterCodec.of(sunSpecChannel());

    assertThatThrownBy(() -> codec.scale(word))
        .isInstanceOfSatisfying(DeviceException.class, e -> assertThat(e.error().code()).isEqualTo("invalid_config"));
  }

  @Test
  void sunspec_value_decodes_with_the_scale_its_register_holds() throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(sunSpecChannel());

    assertThat(codec.decode(new int[] {1500}, codec.scale(1))).hasValue(15000);
    assertThat(codec.encode(15000, codec.scale(1))).containsExactly(1500);
    assertThat(codec.decode(new int[] {123}, codec.scale(0xFFFF))).hasValue(12.3);
  }

  @Test
  void value_between_steps_is_rounded_to_the_nearest_step() throws DeviceException {
    RegisterCodec codec = RegisterCodec.of(channel("uint16", "big", 10.0, 1));

    int[] words = codec.encode(12_345, 10.0);

    assertThat(codec.decode(words, 10.0)).hasValue(12_350);
  }

  @ParameterizedTest(name = "{0} {1}: sunspec {2} reads {3}")
  @CsvSource(delimiter = '|', textBlock = """
      int16   | 8000      | true  | none
      int16   | 8000      | false | -32768
      int16   | 8001      | true  | -32767
      int16   | FFFF      | true  | -1
      uint16  | FFFF      | true  | none
      uint16  | FFFF      | false | 65535
      uint16  | 8000      | true  | 32768
      int32   | 8000 0000 | true  | none
      int32   | 8000 0000 | false | -2147483648
      int32   | FFFF FFFF | true  | -1
      uint32  | FFFF FFFF | true  | none
      uint32  | FFFF FFFF | false | 4294967295
      uint32  | 8000 0000 | true  | 2147483648
      float32 | 7FC0 0000 | true  | none
      float32 | FFC0 0001 | true  | none
      float32 | 8000 0000 | true  | -0.0
      """)
  void sunspec_not_implemented_marker_reads_as_no_value_where_the_channel_declares_it(String type, String hexWords,
      boolean sunspec, String expected) {
    RegisterCodec codec = RegisterCodec.of(channel(type, "big", 1.0, 1, sunspec));

    OptionalDouble value = codec.decode(words(hexWords), 1.0);

    if (expected.equals("none")) {
      assertThat(value).isEmpty();
    } else {
      assertThat(value).hasValue(Double.parseDouble(expected));
    }
  }

  @ParameterizedTest(name = "{0} with markers refuses {1}")
  @CsvSource(delimiter = '|', textBlock = """
      int16   | -32768      | -32767..32767 W
      uint16  | 65535       | 0..65534 W
      int32   | -2147483648 | -2147483647..2147483647 W
      uint32  | 4294967295  | 0..4294967294 W
      """)
  void sunspec_not_implemented_marker_is_never_written(String type, double value, String range) {
    RegisterCodec codec = RegisterCodec.of(channel(type, "big", 1.0, 1, true));

    assertThatThrownBy(() -> codec.encode(value, 1.0))
        .isInstanceOfSatisfying(DeviceException.class, e -> {
          assertThat(e.error().code()).isEqualTo("out_of_range");
          assertThat(e.getMessage()).contains("value " + RegisterCodec.plain(value)).contains(range);
        });
  }

  @Test
  void decoding_the_wrong_number_of_words_is_a_programming_error() {
    RegisterCodec codec = RegisterCodec.of(channel("int32", "big", 1.0, 1));

    assertThatThrownBy(() -> codec.decode(new int[] {1}, 1.0)).isInstanceOf(IllegalArgumentException.class);
  }

  private static Channel channel(String type, String wordOrder, double scale, int sign) {
    return channel(type, wordOrder, scale, sign, false);
  }

  private static Channel channel(String type, String wordOrder, double scale, int sign, boolean sunspec) {
    return new Channel("Test", 0, type, wordOrder, scale, null, sign, "W", "read_write", null, null, 16, null,
        sunspec);
  }

  private static Channel sunSpecChannel() {
    return new Channel("AcPower", 40083, "int16", null, null, 40084, null, "W", "read", null, null, null, null, null);
  }

  private static int[] words(String hex) {
    return Arrays.stream(hex.trim().split("\\s+")).mapToInt(word -> Integer.parseInt(word, 16)).toArray();
  }
}
