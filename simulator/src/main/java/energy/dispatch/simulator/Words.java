package energy.dispatch.simulator;

/**
 * Splits 32-bit values into 16-bit register words and joins them again, in big word order (high
 * word first) or little word order (low word first). Bytes within a word are always big-endian, as
 * Modbus sends them.
 */
final class Words {

  private Words() {}

  static int[] split(int bits, boolean bigWordOrder) {
    int high = (bits >>> 16) & 0xFFFF;
    int low = bits & 0xFFFF;
    return bigWordOrder ? new int[] {high, low} : new int[] {low, high};
  }

  static int join(int first, int second, boolean bigWordOrder) {
    return bigWordOrder ? (first << 16) | second : (second << 16) | first;
  }
}
