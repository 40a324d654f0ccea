package energy.dispatch.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The settings of the packaged extension, read once from {@value #FILE_NAME} in the extension's folder.
 * Every problem is reported at once. Immutable.
 */
record ExtensionProperties(String jdbcUrl, String jdbcUser, String jdbcPassword, String cloudSecretSha256,
    Duration refreshInterval, Duration failedLoginDelay) {

  static final String FILE_NAME = "dispatch-extension.properties";

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  /** Reads {@value #FILE_NAME} from {@code extensionHome}; the message names every problem found. */
  static ExtensionProperties load(Path extensionHome) {
    Path file = extensionHome.resolve(FILE_NAME);
    Properties raw = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      raw.load(reader);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(raw, file.toString());
  }

  static ExtensionProperties parse(Properties raw, String source) {
    List<String> problems = new ArrayList<>();
    String url = required(raw, "jdbc.url", problems);
    String user = required(raw, "jdbc.user", problems);
    String password = raw.getProperty("jdbc.password", "");
    String cloud = required(raw, "cloud.secret.sha256", problems).toLowerCase(Locale.ROOT);
    if (!cloud.isEmpty() && !SHA256_HEX.matcher(cloud).matches()) {
      problems.add("cloud.secret.sha256 must be 64 hex characters (the SHA-256 of the cloud secret)");
    }
    Duration refresh = millis(raw, "refresh.ms", JdbcCredentialStore.DEFAULT_REFRESH, problems);
    Duration delay = millis(raw, "auth.failure.delay.ms", DispatchExtension.DEFAULT_FAILED_LOGIN_DELAY, problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("invalid " + source + ": " + String.join("; ", problems));
    }
    return new ExtensionProperties(url, user, password, cloud, refresh, delay);
  }

  JdbcCredentialStore credentialStore() {
    return new JdbcCredentialStore(jdbcUrl, jdbcUser, jdbcPassword, cloudSecretSha256, refreshInterval);
  }

  private static String required(Properties raw, String key, List<String> problems) {
    String value = raw.getProperty(key, "").trim();
    if (value.isEmpty()) {
      problems.add(key + " is missing");
    }
    return value;
  }

  private static Duration millis(Properties raw, String key, Duration fallback, List<String> problems) {
    String value = raw.getProperty(key, "").trim();
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      long ms = Long.parseLong(value);
      if (ms > 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problems.add(key + " must be a positive number of milliseconds, was '" + value + "'");
    return fallback;
  }
}
