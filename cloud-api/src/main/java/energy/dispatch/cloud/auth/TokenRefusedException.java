package energy.dispatch.cloud.auth;

import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;

/**
 * An access token was missing or not accepted; {@link #reason()} says which check failed. The
 * message is a sentence for the client and never contains the token.
 */
public final class TokenRefusedException extends RuntimeException {

  /** Each check a token can fail, with the catalog code it is answered with. */
  public enum Reason {
    /** No token was presented. */
    MISSING(ErrorCode.UNAUTHENTICATED),
    /** Not a compact JWS, or a header or payload that is not JSON. */
    MALFORMED(ErrorCode.TOKEN_INVALID),
    /** {@code alg: none}: a token without a signature. */
    UNSIGNED(ErrorCode.TOKEN_INVALID),
    /** An algorithm the configuration does not accept (for example HS256 where only RS256 is). */
    WRONG_ALGORITHM(ErrorCode.TOKEN_INVALID),
    /** A {@code kid} that is in no configured key set, even after refreshing it. */
    UNKNOWN_KEY(ErrorCode.TOKEN_INVALID),
    BAD_SIGNATURE(ErrorCode.TOKEN_INVALID),
    EXPIRED(ErrorCode.TOKEN_EXPIRED),
    /** {@code nbf} or {@code iat} later than now plus the leeway. */
    NOT_YET_VALID(ErrorCode.TOKEN_INVALID),
    REFRESH_TOKEN(ErrorCode.TOKEN_INVALID),
    WRONG_TOKEN_TYPE(ErrorCode.TOKEN_INVALID),
    WRONG_ISSUER(ErrorCode.TOKEN_INVALID),
    WRONG_AUDIENCE(ErrorCode.TOKEN_INVALID),
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
