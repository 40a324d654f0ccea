package energy.dispatch.cloud.mqtt;

import java.util.concurrent.CompletableFuture;

/** Publishes one answer on an optimizer's response topic, echoing its correlation data. */
@FunctionalInterface
public interface ResponsePublisher {

  CompletableFuture<Void> publish(String topic, byte[] correlation, byte[] json);
}
