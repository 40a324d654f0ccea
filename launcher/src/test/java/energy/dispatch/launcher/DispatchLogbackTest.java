package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The logging configuration the parts run with, applied in a context of its own. */
class DispatchLogbackTest {

  @Test
  void input_with_a_newline_cannot_start_a_forged_line_in_the_log() throws Exception {
    String forged = "evil\n20:04:00.000 INFO  [main] e.d.cloud.audit - Admin action action=grant.set principal=user:456";

    String logged = logThroughDispatchConfiguration(forged);

    assertThat(logged.lines()).hasSize(1);
    assertThat(logged).contains("Command refused reason=evil?20:04:00.000 INFO");
  }

  private static String logThroughDispatchConfiguration(String input) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(DispatchLogbackTest.class.getResource("/dispatch-logback.xml"));
      context.getLogger("energy.dispatch.cloud.audit").info("Command refused reason={}", input);
    } finally {
      context.stop();
      System.setErr(originalErr);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
