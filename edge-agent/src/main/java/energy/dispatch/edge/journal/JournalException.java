package energy.dispatch.edge.journal;

/** The journal could not be read or written; the agent cannot keep its guarantees without it. */
public final class JournalException extends RuntimeException {

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }

  public JournalException(String message) {
    super(message);
  }
}
