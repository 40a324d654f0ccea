package energy.dispatch.schema;

import java.util.Objects;

/** A code from {@link ErrorCode} and a sentence a human can act on. */
public record ErrorDetail(String code, String message) {

  public ErrorDetail {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  public static ErrorDetail of(ErrorCode code, String message) {
    return new ErrorDetail(code.wire(), message);
  }

  /** A Modbus exception keeps its code in the wire form {@code modbus_exception:02}. */
  public static ErrorDetail modbusException(int exceptionCode, String message) {
    return new ErrorDetail(String.format("%s:%02d", ErrorCode.MODBUS_EXCEPTION.wire(), exceptionCode), message);
  }
}
