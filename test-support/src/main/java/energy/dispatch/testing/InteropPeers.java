package energy.dispatch.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Third-party programs that interoperability tests drive (Django's simplejwt, mosquitto's clients).
 * On a developer's machine a missing peer skips the test with the reason; under {@code CI=true} it
 * fails it, so that CI can never pass while proving nothing.
 */
public final class InteropPeers {

  private InteropPeers() {}

  /** Does nothing when {@code missing} is null; otherwise fails under CI and skips elsewhere. */
  public static void require(String missing, String installHint) {
    if (missing == null) {
      return;
    }
    String why = missing + "; install with: " + installHint;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("an interoperability test must run in CI: " + why);
    }
    Assumptions.abort(why);
  }
}
