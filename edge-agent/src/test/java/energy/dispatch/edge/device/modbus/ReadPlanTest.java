package energy.dispatch.edge.device.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadPlanTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      int32@0                              | 0+2
      int32@0 int32@2 uint16@4             | 0+5
      uint16@4 int32@0 int32@2             | 0+5
      int32@0 uint16@3                     | 0+2 3+1
      int16@0 int16@0                      | 0+1
      int32@0 int16@1                      | 0+2
      float32@40000 int32@0                | 0+2 40000+2
      int16@0 sf:int16@1                   | 0+1 1+1
      int16@65535                          | 65535+1
      w:int32@0 int32@2                    | 2+2
      i:int32@0                            | i0+2
      i:int32@0 i:int32@2 i:uint16@4       | i0+5
      int32@0 i:int32@2                    | 0+2 i2+2
      int16@0 i:int16@0 int16@1            | 0+2 i0+1
      i:int16@0 sf:i:int16@1               | i0+1 i1+1
      """)
  void adjacent_plain_channels_share_one_read_and_gaps_are_never_bridged(String channels, String expectedBlocks) {
    List<ReadPlan.Block> blocks = ReadPlan.of(device(channels));

    assertThat(blocks).extracting(block -> kind(block) + block.first() + "+" + block.count())
        .containsExactly(expectedBlocks.split(" "));
  }

  @ParameterizedTest(name = "{0} int16 channels fill {1} reads")
  @CsvSource({"125, 1", "126, 2", "250, 2", "251, 3"})
  void one_read_asks_for_at_most_125_registers(int channels, int reads) {
    String spec = String.join(" ", IntStream.range(0, channels).mapToObj(i -> "int16@" + i).toList());

    assertThat(ReadPlan.of(device(spec))).hasSize(reads);
  }

  /** "i" before a block of input registers, nothing before one of holding registers. */
  private static String kind(ReadPlan.Block block) {
    return block.channels().get(0).inInputRegister() ? "i" : "";
  }

  /**
   * Channels as {@code [w:][sf:][i:]type@register}: w = write-only, sf = with a scale-factor
   * register, i = in an input register.
   */
  private static Device device(String spec) {
    List<Channel> channels = new ArrayList<>();
    String[] parts = spec.trim().split("\\s+");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      String access = part.startsWith("w:") ? "write" : "read";
      part = part.replace("w:", "");
      Integer scaleRegister = part.startsWith("sf:") ? 60000 : null;
      part = part.replace("sf:", "");
      String registerKind = part.startsWith("i:") ? "input" : null;
      part = part.replace("i:", "");
      String[] typeAndRegister = part.split("@");
      channels.add(new Channel("c" + i, Integer.parseInt(typeAndRegister[1]), typeAndRegister[0], null, null,
          scaleRegister, null, "W", access, null, null, null, registerKind, null));
    }
    return new Device("d", "other", "127.0.0.1", 502, 1, channels);
  }
}
