package energy.dispatch.cloud.rest;

import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;

/** A request answered with an HTTP status and {@code {"error":{code,message}}}. */
final class ApiException extends RuntimeException {

  private final int status;
  private final ErrorDetail error;

  ApiException(int status, ErrorDetail error) {
    super(error.message());
    this.status = status;
    this.error = error;
  }

  ApiException(ErrorDetail error) {
    this(HttpStatuses.of(error.code()), error);
  }

  ApiException(ErrorCode code, String message) {
    this(ErrorDetail.of(code, message));
  }

  int status() {
    return status;
  }

  ErrorDetail error() {
    return error;
  }
}
