package energy.dispatch.schema.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a host, as configured, stays on this machine: {@code localhost} or a loopback IP literal
 * ({@code 127.0.0.0/8}, {@code ::1}). Only these may carry plain TCP. Any other name counts as remote
 * without asking DNS, so that the decision cannot change with a resolver's answer, and a wildcard
 * address such as {@code 0.0.0.0} counts as remote because it listens on every interface.
 */
public final class Loopback {

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?");

  private Loopback() {}

  public static boolean isLoopback(String host) {
    String trimmed = host.trim();
    if (trimmed.toLowerCase(Locale.ROOT).equals("localhost")) {
      return true;
    }
    if (!IP_LITERAL.matcher(trimmed).matches()) {
      return false;
    }
    try {
      // An IP literal is parsed, never looked up.
      return InetAddress.getByName(trimmed).isLoopbackAddress();
    } catch (UnknownHostException malformed) {
      return false;
    }
  }
}
