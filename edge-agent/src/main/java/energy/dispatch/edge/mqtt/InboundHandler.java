package energy.dispatch.edge.mqtt;

import java.util.OptionalLong;

/**
 * What the link hands over from the broker. Each method returns only when what it decided is
 * durable; the link acknowledges the MQTT message after it returns, and not if it throws (the
 * broker then redelivers on the next connection).
 */
public interface InboundHandler {

  /** A message on the edge's command topic. */
  void command(byte[] payload, OptionalLong messageExpirySec, long receivedNanos);

  /** A message on the edge's config topic (an answer to a config request, or a push). */
  void config(byte[] payload);
}
