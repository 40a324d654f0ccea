package energy.dispatch.cloud.command;

/** Where status changes go: to this node's sockets and to every other node. Implementations are thread-safe. */
@FunctionalInterface
public interface StatusSink {

  void publish(StatusChange change);
}
