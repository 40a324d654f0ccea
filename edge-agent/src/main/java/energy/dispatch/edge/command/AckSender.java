package energy.dispatch.edge.command;

import energy.dispatch.edge.journal.PendingAck;

/** Forwards journaled acks to the cloud, in journal order, whenever the link allows. */
@FunctionalInterface
public interface AckSender {

  void send(PendingAck ack);
}
