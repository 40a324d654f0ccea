package energy.dispatch.cloud.mqtt;

import energy.dispatch.cloud.command.StatusChange;
import energy.dispatch.cloud.command.StatusSink;
import energy.dispatch.cloud.grants.GrantStore;
import energy.dispatch.schema.CommandStatusEvent;
import energy.dispatch.schema.Json;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status sink in front of the node's fan-out: every change goes on to the dashboards as
 * before, and a change of a command an optimizer submitted over MQTT is also answered on its
 * response topic, as long as the optimizer may still view the command's edge (asked of the
 * grants at each change, so a revoked grant stops the next answer). Changes pass through the node
 * that makes them, so each is answered once. Thread-safe.
 */
public final class OptimizerResponses implements StatusSink {

  private static final Logger LOG = LoggerFactory.getLogger(OptimizerResponses.class);
  private static final String SERVICE_PREFIX = "service:";

  private final StatusSink next;
  private final ResponseRoutes routes;
  private final ResponsePublisher publisher;
  private final GrantStore grants;

  public OptimizerResponses(StatusSink next, ResponseRoutes routes, ResponsePublisher publisher, GrantStore grants) {
    this.next = next;
    this.routes = routes;
    this.publisher = publisher;
    this.grants = grants;
  }

  @Override
  public void publish(StatusChange change) {
    next.publish(change);
    if (change.submitter().startsWith(SERVICE_PREFIX) && change.event().commandId() != null) {
      answer(change);
    }
  }

  private void answer(StatusChange change) {
    try {
      if (!grants.canView(change.submitter(), change.event().edgeId())) {
        return;
      }
      routes.find(change.submitter(), change.event().commandId()).ifPresent(route -> send(route, change.event()));
    } catch (RuntimeException e) {
      LOG.warn("Could not answer an optimizer commandId={} principal={}; it can read the status over REST",
          change.event().commandId(), change.submitter(), e);
    }
  }

  void send(ResponseRoutes.Route route, CommandStatusEvent event) {
    try {
      publisher.publish(route.topic(), route.correlation(), Json.mapper().writeValueAsBytes(event))
          .exceptionally(error -> {
            LOG.warn("Answer to an optimizer not delivered commandId={} topic={}", event.commandId(), route.topic(),
                error);
            return null;
          });
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a status event always serializes", e);
    }
  }

  /** How long a route outlives the command's deadline: long enough for a late result. */
  static Duration routeLifetime(Duration expiry) {
    return expiry.plus(Duration.ofHours(1));
  }
}
