package energy.dispatch.schema;

/**
 * JDBC URLs as they may appear in a log, an error or a health answer: a URL may carry a password in
 * its query ({@code ?password=...}) or as user information ({@code //user:secret@host}), so both are
 * masked. Pure.
 */
public final class JdbcUrls {

  private JdbcUrls() {}

  /** The URL with its query and any user information replaced by {@code ***}. */
  public static String redacted(String url) {
    String withoutQuery = url.indexOf('?') < 0 ? url : url.substring(0, url.indexOf('?')) + "?***";
    int authority = withoutQuery.indexOf("//");
    int at = withoutQuery.indexOf('@', authority + 2);
    int path = withoutQuery.indexOf('/', authority + 2);
    if (authority < 0 || at < 0 || (path >= 0 && at > path)) {
      return withoutQuery;
    }
    return withoutQuery.substring(0, authority + 2) + "***" + withoutQuery.substring(at);
  }
}
