package energy.dispatch.cloud.command;

import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;

/** A check refused a command or request; carries the catalog code and the sentence for the client. */
public final class RefusalException extends RuntimeException {

  private final ErrorDetail error;
  private final Long retryAfterSec;

  public RefusalException(ErrorCode code, String message) {
    this(code, message, (Long) null);
  }

  /** A refusal that may be tried again after {@code retryAfterSec} seconds (null: no such hint). */
  public RefusalException(ErrorCode code, String message, Long retryAfterSec) {
    super(message);
    this.error = ErrorDetail.of(code, message);
    this.retryAfterSec = retryAfterSec;
  }

  /** A refusal whose code and sentence were decided by a rule shared with the edge. */
  public RefusalException(ErrorDetail error) {
    super(error.message());
    this.error = error;
    this.retryAfterSec = null;
  }

  public RefusalException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.error = ErrorDetail.of(code, message);
    this.retryAfterSec = null;
  }

  public ErrorDetail error() {
    return error;
  }

  /** Seconds the client should wait before trying again, or null when waiting would not help. */
  public Long retryAfterSec() {
    return retryAfterSec;
  }
}
