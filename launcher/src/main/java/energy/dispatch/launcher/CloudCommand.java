package energy.dispatch.launcher;

import energy.dispatch.cloud.CloudApi;
import energy.dispatch.cloud.CloudSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch cloud}: one cloud-api node, configured from the environment (see cloud-api/README.md).
 * The TLS options stand for the environment settings of the same name; passwords come only from the
 * environment, never from the command line, where {@code ps} shows them.
 */
@Command(name = "cloud", mixinStandardHelpOptions = true,
    description = "Runs one cloud-api node; configuration from environment variables (cloud-api/README.md).")
final class CloudCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--https-keystore", description = "key store of the node's certificate: HTTPS and WSS only; "
      + "password in env DISPATCH_HTTPS_KEYSTORE_PASSWORD (default: env DISPATCH_HTTPS_KEYSTORE)")
  private Path httpsKeystore;

  @Option(names = "--mqtt-ca-file", description = "PEM file of the CAs of the broker's certificate: MQTT over TLS "
      + "(default: env DISPATCH_MQTT_CA_FILE)")
  private Path mqttCaFile;

  @Option(names = "--mqtt-truststore", description = "trust store instead, password in env "
      + "DISPATCH_MQTT_TRUSTSTORE_PASSWORD (default: env DISPATCH_MQTT_TRUSTSTORE)")
  private Path mqttTrustStore;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    putIfSet(env, CloudSettings.HTTPS_KEYSTORE_SETTING, httpsKeystore);
    putIfSet(env, CloudSettings.MQTT_TRUST_PREFIX + "_CA_FILE", mqttCaFile);
    putIfSet(env, CloudSettings.MQTT_TRUST_PREFIX + "_TRUSTSTORE", mqttTrustStore);
    try (CloudApi cloud = CloudApi.start(CloudSettings.fromEnvironment(env))) {
      spec.commandLine().getOut().println("cloud listening on " + cloud.webSocketUrl());
      spec.commandLine().getOut().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(cloud::close));
      new CountDownLatch(1).await();
    }
    return 0;
  }

  private static void putIfSet(Map<String, String> env, String name, Path value) {
    if (value != null) {
      env.put(name, value.toString());
    }
  }
}
