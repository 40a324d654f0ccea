package energy.dispatch.cloud.command;

/** The broker reports nobody subscribed to an edge's command topic: the edge is not present. */
public class EdgeAbsentException extends IllegalStateException {

  public EdgeAbsentException(String edgeId) {
    super("no session is subscribed to the command topic of edge '" + edgeId + "'");
  }
}
