package energy.dispatch.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HiveMQ extension of Command Dispatch: authenticates the cloud, edges and services, enforces
 * {@link TopicAcl}, stamps the principal onto what edges and services publish, disconnects revoked
 * credentials, and logs client events to {@value #EVENT_LOGGER}. If anything fails at start it prevents its
 * own start-up and reports the reason to its {@link BrokerStatus}; it registers its authenticator last, so a
 * half-started extension never admits a client.
 *
 * <p>Embedded use passes the credential store; a standalone HiveMQ instantiates it through the no-argument
 * constructor, which reads {@code dispatch-extension.properties} from the extension's folder.
 */
public final class DispatchExtension implements ExtensionMain {

  /** The logger of client connects, disconnects and refusals, apart from operational logging. */
  public static final String EVENT_LOGGER = "dispatch.broker.events";
  /** How long a refused CONNECT waits for its answer unless configured otherwise. */
  public static final Duration DEFAULT_FAILED_LOGIN_DELAY = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(DispatchExtension.class);
  private static final String ALLOW_ALL_EXTENSION_ID = "hivemq-allow-all-extension";

  private final CredentialStore givenCredentials;
  private final BrokerStatus status;
  private final Duration failedLoginDelay;
  private volatile CredentialStore credentials;

  /** For the packaged extension folder: settings come from {@code dispatch-extension.properties}. */
  public DispatchExtension() {
    this.givenCredentials = null;
    this.status = new BrokerStatus();
    this.failedLoginDelay = DEFAULT_FAILED_LOGIN_DELAY;
  }

  /** For embedding: the extension starts and closes {@code credentials} and reports to {@code status}. */
  public DispatchExtension(CredentialStore credentials, BrokerStatus status) {
    this(credentials, status, DEFAULT_FAILED_LOGIN_DELAY);
  }

  /** As above, with the delay before a refused login is answered. */
  public DispatchExtension(CredentialStore credentials, BrokerStatus status, Duration failedLoginDelay) {
    this.givenCredentials = Objects.requireNonNull(credentials, "credentials");
    this.status = Objects.requireNonNull(status, "status");
    this.failedLoginDelay = Objects.requireNonNull(failedLoginDelay, "failedLoginDelay");
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    try {
      Duration delay = failedLoginDelay;
      CredentialStore store = givenCredentials;
      if (store == null) {
        ExtensionProperties properties =
            ExtensionProperties.load(input.getExtensionInformation().getExtensionHomeFolder().toPath());
        store = properties.credentialStore();
        delay = properties.failedLoginDelay();
      }
      credentials = store;
      warnIfAllowAllIsEnabled(input);
      register(store, delay);
      StalePresence.markDisconnectedEdgesOffline().exceptionally(e -> {
        LOG.warn("Could not check retained edge states after start; an edge may show online until it reconnects", e);
        return null;
      });
      status.started();
      LOG.info("Dispatch broker extension started");
    } catch (RuntimeException e) {
      String reason = "the dispatch broker extension cannot start: " + e.getMessage();
      LOG.error("Dispatch broker extension refused to start; the broker admits no client", e);
      closeCredentials();
      status.failed(reason);
      output.preventExtensionStartup(reason);
    }
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
    closeCredentials();
    status.stopped();
    LOG.info("Dispatch broker extension stopped");
  }

  /** The status this extension reports to; for a packaged extension, one of its own. */
  public BrokerStatus status() {
    return status;
  }

  private static void register(CredentialStore store, Duration failedLoginDelay) {
    store.start();
    store.onRevoked(new SessionTerminator());
    Services.eventRegistry().setClientLifecycleEventListener(input -> new ConnectionEventLog());
    PrincipalStamp stamp = new PrincipalStamp();
    Services.initializerRegistry().setClientInitializer((input, client) -> client.addPublishInboundInterceptor(stamp));
    DispatchAuthorizer authorizer = new DispatchAuthorizer();
    Services.securityRegistry().setAuthorizerProvider(input -> authorizer);
    // last: once an authenticator exists clients get in, so everything else must be in place before
    DispatchAuthenticator authenticator =
        new DispatchAuthenticator(store, Services.extensionExecutorService(), failedLoginDelay);
    Services.securityRegistry().setAuthenticatorProvider(input -> authenticator);
  }

  /** HiveMQ's allow-all extension would admit every client whenever this extension is not running. */
  private static void warnIfAllowAllIsEnabled(ExtensionStartInput input) {
    if (input.getEnabledExtensions().containsKey(ALLOW_ALL_EXTENSION_ID)) {
      LOG.error("The extension {} is enabled: should this extension ever fail to start, every client would get in. "
          + "Remove the folder extensions/{} from HiveMQ", ALLOW_ALL_EXTENSION_ID, ALLOW_ALL_EXTENSION_ID);
    }
  }

  private void closeCredentials() {
    CredentialStore store = credentials;
    if (store != null) {
      store.close();
    }
  }
}
