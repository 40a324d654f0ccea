package energy.dispatch.cloud.grants;

/** Matching of grant patterns: {@code *} matches any run of characters, everything else itself. */
public final class EdgePattern {

  private EdgePattern() {}

  public static boolean matches(String pattern, String edgeId) {
    return matchFrom(pattern, 0, edgeId, 0);
  }

  private static boolean matchFrom(String pattern, int p, String text, int t) {
    while (p < pattern.length()) {
      char c = pattern.charAt(p);
      if (c == '*') {
        for (int skip = t; skip <= text.length(); skip++) {
          if (matchFrom(pattern, p + 1, text, skip)) {
            return true;
          }
        }
        return false;
      }
      if (t >= text.length() || text.charAt(t) != c) {
        return false;
      }
      p++;
      t++;
    }
    return t == text.length();
  }
}
