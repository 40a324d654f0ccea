package energy.dispatch.cloud.command;

import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;

/** A check refused a command or request; carries the catalog code and the sentence for the client. */
public final class RefusalException extends RuntimeException {

  private final ErrorDetail error;

  public RefusalException(ErrorCode code, String message) {
    super(message);
    this.error = ErrorDetail.of(code, message);
  }

  public RefusalException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.error = ErrorDetail.of(code, message);
  }

  public ErrorDetail error() {
    return error;
  }
}
