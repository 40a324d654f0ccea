package energy.dispatch.cloud.auth;

import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.util.Locale;
import java.util.Optional;

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
    MISSING_CLAIM(ErrorCode.TOKEN_INVALID),
    /** A valid token of another user offered as an in-band renewal of an authenticated socket. */
    OTHER_USER(ErrorCode.FORBIDDEN);

    private final ErrorCode code;

    Reason(ErrorCode code) {
      this.code = code;
    }

    public ErrorCode code() {
      return code;
    }

    /** The reason as the audit stores it: {@code bad_signature}, {@code expired}, ... */
    public String auditCode() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String signedUserId;

  public TokenRefusedException(Reason reason, String message) {
    this(reason, message, null, null);
  }

  public TokenRefusedException(Reason reason, String message, Throwable cause) {
    this(reason, message, cause, null);
  }

  private TokenRefusedException(Reason reason, String message, Throwable cause, String signedUserId) {
    super(message, cause);
    this.reason = reason;
    this.signedUserId = signedUserId;
  }

  /** This refusal, knowing the {@code user_id} of a token whose signature verified but which failed a later check. */
  public TokenRefusedException withSignedUserId(String userId) {
    return new TokenRefusedException(reason, getMessage(), getCause(), userId);
  }

  public Reason reason() {
    return reason;
  }

  /**
   * The {@code user_id} of the refused token, present only when its signature verified (it was
   * issued by the configured issuer, then failed a later check: expired, refresh, wrong audience...).
   * A claim, never a principal: the token did not authenticate anyone.
   */
  public Optional<String> signedUserId() {
    return Optional.ofNullable(signedUserId);
  }

  /** The code and sentence a client is answered with; never contains the token. */
  public ErrorDetail toErrorDetail() {
    return ErrorDetail.of(reason.code(), getMessage());
  }
}
