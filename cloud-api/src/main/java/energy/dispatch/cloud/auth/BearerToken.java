package energy.dispatch.cloud.auth;

import energy.dispatch.cloud.auth.TokenRefusedException.Reason;

/** Reads the token of an {@code Authorization: Bearer <token>} header. */
public final class BearerToken {

  private BearerToken() {}

  /** @throws TokenRefusedException {@code MISSING} when there is no bearer token */
  public static String from(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isBlank()) {
      throw new TokenRefusedException(Reason.MISSING, "no access token: send 'Authorization: Bearer <token>'");
    }
    String[] parts = authorizationHeader.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
      throw new TokenRefusedException(Reason.MISSING, "the Authorization header must be 'Bearer <token>'");
    }
    return parts[1];
  }
}
