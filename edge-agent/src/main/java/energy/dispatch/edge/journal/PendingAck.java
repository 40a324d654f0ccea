package energy.dispatch.edge.journal;

/** An ack journaled for sending, in journal order; {@code payload} is its JSON. */
public record PendingAck(long seq, String commandId, String payload) implements Outgoing {

  @Override
  public String subject() {
    return "commandId=" + commandId;
  }
}
