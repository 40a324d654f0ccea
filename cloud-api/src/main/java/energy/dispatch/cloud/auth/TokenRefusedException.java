package energy.dispatch.cloud.auth;

import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;

/** An access token was missing or not accepted; {@link #reason()} says which check failed. */
public final class TokenRefusedException extends RuntimeException {

  /** Each check a token can fail, with the catalog code it is answered with. */
  public enum Reason {
    MISSING(ErrorCode.UNAUTHENTICATED),
    MALFORMED(ErrorCode.TOKEN_INVALID),
    WRONG_ALGORITHM(ErrorCode.TOKEN_INVALID),
    BAD_SIGNATURE(ErrorCode.TOKEN_INVALID),
    EXPIRED(ErrorCode.TOKEN_EXPIRED),
    NOT_YET_VALID(ErrorCode.TOKEN_INVALID),
    REFRESH_TOKEN(ErrorCode.TOKEN_INVALID),
    WRONG_TOKEN_TYPE(ErrorCode.TOKEN_INVALID),
    MISSING_CLAIM(ErrorCode.TOKEN_INVALID);

    private final ErrorCode code;

    Reason(ErrorCode code) {
      this.code = code;
    }

    public ErrorCode code() {
      return code;
    }
  }

  private final Reason reason;

  public TokenRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public TokenRefusedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The code and sentence a client is answered with; never contains the token. */
  public ErrorDetail toErrorDetail() {
    return ErrorDetail.of(reason.code(), getMessage());
  }
}
