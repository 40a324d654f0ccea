package energy.dispatch.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapProbeTest {

  @Test
  void used_heap_is_the_sum_of_the_serial_collectors_generations() {
    String heapInfo = """
        12345:
         def new generation   total 19648K, used 1024K [0x00000000fc000000, 0x00000000fd550000)
          eden space 17472K,   5% used [0x00000000fc000000, 0x00000000fc000000, 0x00000000fd110000)
         tenured generation   total 43712K, used 12288K [0x00000000fd550000, 0x0000000100000000)
           the space 43712K,  28% used [0x00000000fd550000, 0x00000000fd77ea78, 0x0000000100000000)
         Metaspace       used 22000K, committed 22400K, reserved 1114112K
          class space    used 2063K, committed 2152K, reserved 1048576K
        """;

    assertThat(HeapProbe.parse(heapInfo)).isEqualTo(new HeapProbe.Heap(13_312, 63_360, 22_000));
  }

  @Test
  void output_of_another_collector_is_refused_with_what_jcmd_printed() {
    String g1 = """
        12345:
         garbage-first heap   total 65536K, used 20000K [0x00000000fc000000, 0x0000000100000000)
        """;

    assertThatThrownBy(() -> HeapProbe.parse(g1))
        .hasMessageContaining("-XX:+UseSerialGC")
        .hasMessageContaining("garbage-first heap");
  }
}
