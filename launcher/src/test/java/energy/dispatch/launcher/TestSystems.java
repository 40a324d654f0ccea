package energy.dispatch.launcher;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.testing.TestPostgres;
import energy.dispatch.testing.TestRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** The whole system in the test JVM, on a fresh database and Redis prefix, every port free. */
final class TestSystems {

  static final Path SITE_CONFIGS = Path.of("../config/sites");

  private TestSystems() {}

  /** Demo-mode settings (development tokens allowed) on a fresh database; adjust before building. */
  static CloudSettings.Builder settings(TestPostgres.Database database, String jwtSecret) {
    return CloudSettings.builder()
        .httpPort(0)
        .jwtSecret(jwtSecret)
        .database(database.jdbcUrl(), database.user(), database.password())
        .redisUrl(TestRedis.url())
        .redisKeyPrefix(TestRedis.freshPrefix())
        .demoMode(true)
        // LocalSystem makes the cloud's broker secret; this placeholder never reaches a broker.
        .mqttSecret("replaced-by-the-local-system");
  }

  static LocalSystem start(CloudSettings settings, Path dataFolder, List<String> edgeIds) {
    return LocalSystem.start(new LocalSystem.Options(settings, 0, dataFolder, edgeIds, SITE_CONFIGS));
  }

  /** What one run of the CLI printed and returned. */
  record Run(int exitCode, String out, String err) {}

  /** Runs the CLI in this JVM, as {@code ./dispatch args...} would. */
  static Run dispatch(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Dispatch.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }
}
