package energy.dispatch.cloud.mqtt;

import java.util.concurrent.CompletionStage;

/**
 * What the cloud does with edge traffic. Called on one thread per edge at a time, in arrival
 * order per edge. The MQTT message is acknowledged to the broker when the returned stage
 * completes, so an ack is confirmed only once it is in the record.
 */
public interface InboundHandler {

  CompletionStage<?> onAck(String edgeId, byte[] payload);

  CompletionStage<?> onState(String edgeId, byte[] payload);

  CompletionStage<?> onConfigRequest(String edgeId, byte[] payload);

  /** The node's MQTT connection is back after a loss; presence may have changed unseen meanwhile. */
  void onReconnected();
}
