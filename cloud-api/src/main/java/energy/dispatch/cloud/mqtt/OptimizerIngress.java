package energy.dispatch.cloud.mqtt;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.cloud.command.CommandService;
import energy.dispatch.cloud.command.Submission;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands from optimizers over MQTT 5 request/response. A request on
 * {@code dispatch/v1/services/{name}/requests} passes through exactly the path of a dashboard's
 * command ({@link CommandService#submit}: validation, grants of {@code service:<name>}, rate limits,
 * idempotency, audit); its answer and every later status change go to the request's response topic
 * with its correlation data. The principal is the one the broker extension stamped on the message,
 * and must match the topic; the response topic must lie under the service's own prefix, so the
 * cloud can never be made to publish into someone else's topic. Thread-safe.
 */
public final class OptimizerIngress {

  private static final Logger LOG = LoggerFactory.getLogger(OptimizerIngress.class);

  private final CommandService commands;
  private final ResponseRoutes routes;
  private final OptimizerResponses responses;
  private final CloudSettings settings;

  public OptimizerIngress(CommandService commands, ResponseRoutes routes, OptimizerResponses responses,
      CloudSettings settings) {
    this.commands = commands;
    this.routes = routes;
    this.responses = responses;
    this.settings = settings;
  }

  /** One request, as the broker delivered it. */
  record Request(String service, String stampedPrincipal, String responseTopic, byte[] correlation, byte[] payload) {}

  CompletionStage<?> onRequest(Request request) {
    String principal = principalOf(request);
    if (!isStampedAsItsTopic(request)) {
      LOG.warn("Optimizer request without the broker's principal stamp dropped topic={} stamped={}",
          Topics.serviceRequests(request.service()), request.stampedPrincipal());
      return CompletableFuture.completedFuture(null);
    }
    String commandId = commandIdOf(request.payload());
    if (!hasOwnResponseTopic(request)) {
      LOG.warn("Optimizer request refused: response topic outside its prefix principal={} commandId={} topic={}",
          principal, commandId, request.responseTopic());
      return commands.refuseUnread(principal, commandId, ErrorDetail.of(ErrorCode.FORBIDDEN,
          "a request needs an MQTT 5 response topic under " + Topics.serviceResponsePrefix(request.service())));
    }
    ResponseRoutes.Route route = new ResponseRoutes.Route(principal, request.responseTopic(), request.correlation());
    if (commandId != null) {
      routes.put(commandId, route, OptimizerResponses.routeLifetime(settings.maxExpiry()));
    }
    return commands.submit(principal, new String(request.payload(), StandardCharsets.UTF_8))
        .thenAccept(submission -> answerUnlessRouted(route, submission));
  }

  private static String principalOf(Request request) {
    return "service:" + request.service();
  }

  /** The extension stamps every publish with who sent it; a request without that stamp never passed it. */
  static boolean isStampedAsItsTopic(Request request) {
    return principalOf(request).equals(request.stampedPrincipal());
  }

  /** Strictly below the service's prefix, as the broker's ACL demands: the prefix itself is no topic of its own. */
  static boolean hasOwnResponseTopic(Request request) {
    String prefix = Topics.serviceResponsePrefix(request.service());
    String topic = request.responseTopic();
    return topic != null && topic.length() > prefix.length() && topic.startsWith(prefix);
  }

  /** A fresh acceptance reaches the optimizer through its route; refusals and repeats are answered here. */
  private void answerUnlessRouted(ResponseRoutes.Route route, Submission submission) {
    boolean routed = submission instanceof Submission.Accepted accepted && !accepted.resubmission();
    if (!routed) {
      responses.send(route, submission.answer());
    }
  }

  private static String commandIdOf(byte[] payload) {
    try {
      return Json.mapper().readTree(payload).path("command_id").textValue();
    } catch (java.io.IOException | RuntimeException unreadable) {
      return null;
    }
  }
}
