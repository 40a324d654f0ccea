package energy.dispatch.broker.embedded;

/** The embedded broker did not start, or started and was stopped because it could not be trusted. */
public final class BrokerStartException extends RuntimeException {

  public BrokerStartException(String message) {
    super(message);
  }

  public BrokerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
