package energy.dispatch.edge.journal;

/** A state event journaled for sending, in journal order; {@code payload} is its state message. */
public record PendingEvent(long seq, String type, String payload) implements Outgoing {

  @Override
  public String subject() {
    return "event=" + type;
  }
}
