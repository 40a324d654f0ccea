package energy.dispatch.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./dispatch}: the quick start, each part alone, and the operator's CLI. */
@Command(
    name = "dispatch",
    mixinStandardHelpOptions = true,
    versionProvider = Dispatch.Version.class,
    description = "Command Dispatch: the control channel from cloud to energy sites.",
    subcommands = {
        DemoCommand.class,
        BrokerCommand.class,
        CloudCommand.class,
        EdgeCommand.class,
        SimulatorCommand.class,
        SendCommand.class,
        TokenCommand.class,
        AdminCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Dispatch {

  public static void main(String[] args) {
    // HiveMQ's jar carries a logback.xml of its own; name ours so that it always wins.
    System.setProperty("logback.configurationFile", "dispatch-logback.xml");
    System.exit(commandLine().execute(args));
  }

  /** The command line with its error handling, as {@link #main} runs it. */
  static CommandLine commandLine() {
    return new CommandLine(new Dispatch())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Dispatch::reportFailure);
  }

  /** A failure an operator can act on is one line on stderr, not a stack trace. */
  private static int reportFailure(Exception failure, CommandLine commandLine, CommandLine.ParseResult parsed) {
    commandLine.getErr().println("dispatch " + commandLine.getCommandName() + ": " + describe(failure));
    return 2;
  }

  /**
   * The failure and its causes in one line; a cause without a message (as many of the JDK's network
   * exceptions are) is named by its type rather than printed as "null".
   */
  static String describe(Throwable failure) {
    StringBuilder message = new StringBuilder(sentence(failure));
    for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      message.append(": ").append(sentence(cause));
    }
    return message.toString();
  }

  private static String sentence(Throwable failure) {
    return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Dispatch.class.getPackage().getImplementationVersion();
      return new String[] {"dispatch " + (version == null ? "development build" : version)};
    }
  }
}
