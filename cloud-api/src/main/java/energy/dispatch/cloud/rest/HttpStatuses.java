package energy.dispatch.cloud.rest;

import energy.dispatch.schema.ErrorCode;
import java.util.EnumMap;
import java.util.Map;

/** The HTTP status each error code is answered with over REST. */
final class HttpStatuses {

  private static final Map<ErrorCode, Integer> STATUS = new EnumMap<>(ErrorCode.class);

  static {
    STATUS.put(ErrorCode.MALFORMED_JSON, 400);
    STATUS.put(ErrorCode.SCHEMA_VIOLATION, 400);
    STATUS.put(ErrorCode.UNKNOWN_MESSAGE_TYPE, 400);
    STATUS.put(ErrorCode.UNAUTHENTICATED, 401);
    STATUS.put(ErrorCode.TOKEN_EXPIRED, 401);
    STATUS.put(ErrorCode.TOKEN_INVALID, 401);
    STATUS.put(ErrorCode.FORBIDDEN, 403);
    STATUS.put(ErrorCode.UNKNOWN_EDGE, 404);
    STATUS.put(ErrorCode.UNKNOWN_COMMAND, 404);
    STATUS.put(ErrorCode.UNKNOWN_GRANT, 404);
    STATUS.put(ErrorCode.UNKNOWN_SERVICE, 404);
    STATUS.put(ErrorCode.NOT_FOUND, 404);
    STATUS.put(ErrorCode.EDGE_EXISTS, 409);
    STATUS.put(ErrorCode.SERVICE_EXISTS, 409);
    STATUS.put(ErrorCode.DUPLICATE_COMMAND_ID, 409);
    STATUS.put(ErrorCode.NOT_CANCELLABLE, 409);
    STATUS.put(ErrorCode.PAYLOAD_TOO_LARGE, 413);
    STATUS.put(ErrorCode.RATE_LIMITED, 429);
    STATUS.put(ErrorCode.OUTBOX_FULL, 429);
    STATUS.put(ErrorCode.STORE_UNAVAILABLE, 503);
    STATUS.put(ErrorCode.INTERNAL, 500);
    for (ErrorCode capability : new ErrorCode[] {ErrorCode.UNKNOWN_DEVICE, ErrorCode.UNKNOWN_CHANNEL,
        ErrorCode.CHANNEL_NOT_WRITABLE, ErrorCode.OUT_OF_RANGE, ErrorCode.WRONG_UNIT, ErrorCode.UNKNOWN_CONTROLLER,
        ErrorCode.UNKNOWN_MODE, ErrorCode.UNKNOWN_PARAMETER, ErrorCode.INVALID_CONFIG}) {
      STATUS.put(capability, 422);
    }
  }

  private HttpStatuses() {}

  static int of(String wireCode) {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.wire().equals(wireCode)) {
        return STATUS.getOrDefault(code, 400);
      }
    }
    return 400;
  }
}
