package energy.dispatch.cloud.internal;

/** A cloud-api node could not start; the message names what is unreachable or wrong and what to do. */
public final class StartupException extends RuntimeException {

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  public StartupException(String message) {
    super(message);
  }
}
