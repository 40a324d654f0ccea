package energy.dispatch.cloud.ws;

import energy.dispatch.cloud.command.StatusChange;
import energy.dispatch.cloud.grants.GrantStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's dashboard sockets, and the push of status changes to them: a socket receives a
 * change when its user may view the command's edge, asked of the grants at push time. Having
 * submitted the command is not enough: a user whose grant was revoked hears nothing more of it.
 * Thread-safe.
 */
public final class SocketHub implements Consumer<StatusChange> {

  private final GrantStore grants;
  private final Map<String, DashboardSocket> sockets = new ConcurrentHashMap<>();

  public SocketHub(GrantStore grants) {
    this.grants = grants;
  }

  void add(DashboardSocket socket) {
    sockets.put(socket.id(), socket);
  }

  DashboardSocket get(String id) {
    return sockets.get(id);
  }

  void remove(String id) {
    DashboardSocket socket = sockets.remove(id);
    if (socket != null) {
      socket.closed();
    }
  }

  /** Number of open sockets on this node. */
  public int size() {
    return sockets.size();
  }

  @Override
  public void accept(StatusChange change) {
    String edgeId = change.event().edgeId();
    // TODO: every change visits every socket of the node; index sockets by principal once nodes hold
    //  thousands of dashboards.
    for (DashboardSocket socket : sockets.values()) {
      String principal = socket.principal();
      if (principal != null && grants.canView(principal, edgeId)) {
        socket.send(change.event());
      }
    }
  }

  /** Closes every socket, for shutdown. */
  void closeAll(String reason) {
    sockets.values().forEach(socket -> socket.close(reason));
  }
}
