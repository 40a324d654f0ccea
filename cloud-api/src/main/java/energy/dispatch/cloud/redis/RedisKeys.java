package energy.dispatch.cloud.redis;

/** The names of every Redis key and channel of a node, all under one prefix so deployments and tests stay apart. */
public record RedisKeys(String prefix) {

  /** Sorted set of command ids waiting for an edge, scored by priority then submission. */
  public String outbox(String edgeId) {
    return prefix + "outbox:" + edgeId;
  }

  /** Set of command ids sent to an edge and not yet delivered. */
  public String inFlight(String edgeId) {
    return prefix + "inflight:" + edgeId;
  }

  /** Marker, with an expiry, of the node that handed a command on from {@code accepted}. */
  public String handOn(String commandId) {
    return prefix + "handon:" + commandId;
  }

  /** Hash of edge id to its presence document. */
  public String presence() {
    return prefix + "presence";
  }

  /** Pub/sub channel of status changes for every node. */
  public String statusChannel() {
    return prefix + "status";
  }

  /** Marker written when the derived state was built; its absence means Redis lost its data. */
  public String epoch() {
    return prefix + "epoch";
  }
}
