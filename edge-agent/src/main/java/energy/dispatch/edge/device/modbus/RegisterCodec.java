package energy.dispatch.edge.device.modbus;

import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Converts one channel's engineering value to its register words and back: the register type
 * (int16, uint16, int32, uint32, float32), the word order of 32-bit values (bytes within a word are
 * always big-endian, as Modbus sends them), the scale and the device's sign convention.
 * {@code value = raw * scale * sign}. The scale is fixed, or {@code 10^exponent} with the exponent
 * read from the channel's scale-factor register, as SunSpec does. A channel that declares
 * {@code sunspec_not_implemented} reads SunSpec's not-implemented marker of its type as no value,
 * and never writes it.
 *
 * <p>Immutable and thread-safe.
 */
public final class RegisterCodec {

  /** A register type with the raw range it can hold and SunSpec's not-implemented marker in it. */
  enum Type {
    INT16(1, Short.MIN_VALUE, Short.MAX_VALUE, Short.MIN_VALUE),
    UINT16(1, 0, 0xFFFF, 0xFFFF),
    INT32(2, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE),
    UINT32(2, 0, 0xFFFF_FFFFL, 0xFFFF_FFFFL),
    FLOAT32(2, -Float.MAX_VALUE, Float.MAX_VALUE, Double.NaN);

    final int width;
    final double minRaw;
    final double maxRaw;
    /** An end of the range for integers, so a channel with markers loses one step there; NaN for float32. */
    final double notImplementedRaw;

    Type(int width, double minRaw, double maxRaw, double notImplementedRaw) {
      this.width = width;
      this.minRaw = minRaw;
      this.maxRaw = maxRaw;
      this.notImplementedRaw = notImplementedRaw;
    }

    boolean isNotImplemented(double raw) {
      return Double.isNaN(notImplementedRaw) ? Double.isNaN(raw) : raw == notImplementedRaw;
    }
  }

  /** SunSpec marks an unimplemented scale factor with 0x8000; real exponents stay small. */
  private static final int SUNSPEC_NOT_IMPLEMENTED = Short.MIN_VALUE;
  private static final int MAX_EXPONENT = 10;

  private final String channelName;
  private final String unit;
  private final Type type;
  private final boolean bigWordOrder;
  private final int sign;
  private final double fixedScale;
  private final boolean scaleFromRegister;
  private final boolean sunspecNotImplemented;

  private RegisterCodec(Channel channel) {
    this.channelName = channel.name();
    this.unit = channel.unit();
    this.type = Type.valueOf(channel.type().toUpperCase(Locale.ROOT));
    this.bigWordOrder = !"little".equals(channel.wordOrder());
    this.sign = channel.sign();
    this.fixedScale = channel.scale();
    this.scaleFromRegister = channel.scaleRegister() != null;
    this.sunspecNotImplemented = channel.sunspecNotImplemented();
  }

  public static RegisterCodec of(Channel channel) {
    return new RegisterCodec(channel);
  }

  /** Registers the value occupies. */
  public int width() {
    return type.width;
  }

  /** Whether {@link #scale(int)} needs the scale-factor register's word. */
  public boolean scaleFromRegister() {
    return scaleFromRegister;
  }

  /** The fixed scale; only for channels without a scale-factor register. */
  public double fixedScale() {
    return fixedScale;
  }

  /**
   * The scale given the scale-factor register's word: {@code 10^exponent} with the word read as a
   * signed 16-bit exponent.
   *
   * @throws DeviceException {@code invalid_config} when the register holds no usable exponent
   */
  public double scale(int scaleFactorWord) throws DeviceException {
    int exponent = (short) scaleFactorWord;
    if (exponent == SUNSPEC_NOT_IMPLEMENTED || Math.abs(exponent) > MAX_EXPONENT) {
      throw new DeviceException(ErrorDetail.of(ErrorCode.INVALID_CONFIG, "the scale-factor register of " + channelName
          + " holds " + exponent + ", which is no power-of-ten exponent (-" + MAX_EXPONENT + ".." + MAX_EXPONENT
          + "); check scale_register in the capability config against the device's register map"));
    }
    return Math.pow(10, exponent);
  }

  /**
   * The register words for a value, in the order they go on the wire.
   *
   * @throws DeviceException {@code out_of_range} naming the value and the range the register can
   *     hold, before anything is written
   */
  public int[] encode(double value, double scale) throws DeviceException {
    double raw = toRaw(value, scale);
    if (!Double.isFinite(raw) || raw < minRaw() - 0.5 || raw > maxRaw() + 0.5) {
      throw outOfRange(value, scale);
    }
    if (type == Type.FLOAT32) {
      return split(Float.floatToIntBits((float) raw));
    }
    long rounded = Math.round(raw);
    if (rounded < minRaw() || rounded > maxRaw()) {
      throw outOfRange(value, scale);
    }
    return type.width == 1 ? new int[] {(int) rounded & 0xFFFF} : split((int) rounded);
  }

  /**
   * The engineering value of register words as read from the wire; empty when the channel declares
   * {@code sunspec_not_implemented} and the words hold the marker, so that no controller acts on a
   * number the device does not mean.
   */
  public OptionalDouble decode(int[] words, double scale) {
    if (words.length != type.width) {
      throw new IllegalArgumentException(channelName + " is " + type.name().toLowerCase(Locale.ROOT) + " and takes "
          + type.width + " register(s), got " + words.length);
    }
    return notImplemented(words) ? OptionalDouble.empty() : OptionalDouble.of(fromRaw(raw(words), scale));
  }

  /** Whether the channel declares {@code sunspec_not_implemented} and the words hold the marker. */
  public boolean notImplemented(int[] words) {
    return sunspecNotImplemented && type.isNotImplemented(raw(words));
  }

  /** The lowest raw value a write may carry: the type's, above the marker where it is the lowest. */
  private double minRaw() {
    return sunspecNotImplemented && type.notImplementedRaw == type.minRaw ? type.minRaw + 1 : type.minRaw;
  }

  /** The highest raw value a write may carry: the type's, below the marker where it is the highest. */
  private double maxRaw() {
    return sunspecNotImplemented && type.notImplementedRaw == type.maxRaw ? type.maxRaw - 1 : type.maxRaw;
  }

  private double raw(int[] words) {
    return switch (type) {
      case INT16 -> (short) words[0];
      case UINT16 -> words[0] & 0xFFFF;
      case INT32 -> join(words);
      case UINT32 -> join(words) & 0xFFFF_FFFFL;
      case FLOAT32 -> Float.intBitsToFloat(join(words));
    };
  }

  private double toRaw(double value, double scale) {
    double inverse = 1 / scale;
    // dividing by 0.1 is inexact in binary; multiplying by 10 keeps 12.3 % at raw 123
    double unsigned = isWhole(inverse) ? value * Math.rint(inverse) : value / scale;
    return unsigned * sign;
  }

  private double fromRaw(double raw, double scale) {
    double inverse = 1 / scale;
    double unsigned = isWhole(inverse) ? raw / Math.rint(inverse) : raw * scale;
    return unsigned * sign;
  }

  private static boolean isWhole(double number) {
    return number > 1 && Math.abs(number - Math.rint(number)) < 1e-9;
  }

  private int[] split(int bits) {
    int high = (bits >>> 16) & 0xFFFF;
    int low = bits & 0xFFFF;
    return bigWordOrder ? new int[] {high, low} : new int[] {low, high};
  }

  private int join(int[] words) {
    int first = words[0] & 0xFFFF;
    int second = words[1] & 0xFFFF;
    return bigWordOrder ? (first << 16) | second : (second << 16) | first;
  }

  private DeviceException outOfRange(double value, double scale) {
    double oneEnd = fromRaw(minRaw(), scale);
    double otherEnd = fromRaw(maxRaw(), scale);
    String range = plain(Math.min(oneEnd, otherEnd)) + ".." + plain(Math.max(oneEnd, otherEnd)) + " " + unit;
    return new DeviceException(ErrorDetail.of(ErrorCode.OUT_OF_RANGE, "value " + plain(value) + " " + unit
        + " does not fit " + channelName + " (" + type.name().toLowerCase(Locale.ROOT) + ", scale " + plain(scale)
        + ", sign " + sign + "): the register holds " + range + "; send a value within that range"));
  }

  static String plain(double number) {
    if (!Double.isFinite(number) || Math.abs(number) >= 1e15) {
      return String.valueOf(number);
    }
    return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
  }
}
