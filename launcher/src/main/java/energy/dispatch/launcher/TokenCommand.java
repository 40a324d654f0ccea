package energy.dispatch.launcher;

import energy.dispatch.cloud.auth.DevTokens;
import energy.dispatch.cloud.auth.JwtVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch token}: mints a development access token with the HS256 secret of
 * {@code DISPATCH_JWT_SECRET}. Production tokens come from the Django auth service.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Mints a development access token (needs DISPATCH_JWT_SECRET).")
final class TokenCommand implements Callable<Integer> {

  /** A day, as for tokens minted over REST. */
  private static final long MAX_MINUTES = 1440;

  @Spec
  private CommandSpec spec;

  @Option(names = "--user", required = true, description = "the user_id claim, e.g. 456")
  private String userId;

  @Option(names = "--minutes", defaultValue = "60",
      description = "validity in minutes, 1 to " + MAX_MINUTES + " (default ${DEFAULT-VALUE})")
  private long minutes;

  @Override
  public Integer call() {
    if (minutes < 1 || minutes > MAX_MINUTES) {
      throw new ParameterException(spec.commandLine(),
          "--minutes must be from 1 to " + MAX_MINUTES + ", got " + minutes);
    }
    if (!JwtVerifier.isUsableUserId(userId)) {
      throw new ParameterException(spec.commandLine(), "--user must be " + JwtVerifier.USER_ID_RULE);
    }
    String secret = System.getenv("DISPATCH_JWT_SECRET");
    if (secret == null || secret.isBlank()) {
      throw new IllegalStateException("DISPATCH_JWT_SECRET is not set; it must hold the cloud's HS256 secret");
    }
    String token = DevTokens.create(true, secret, Clock.systemUTC()).mint(userId, Duration.ofMinutes(minutes));
    spec.commandLine().getOut().println(token);
    return 0;
  }
}
