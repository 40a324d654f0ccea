package energy.dispatch.edge.journal;

/** A message journaled for sending to the cloud: its place in journal order and its JSON. */
public interface Outgoing {

  long seq();

  String payload();

  /** What a log line names it by, e.g. {@code commandId=c1}. */
  String subject();
}
