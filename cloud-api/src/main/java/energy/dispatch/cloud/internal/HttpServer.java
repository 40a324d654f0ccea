package energy.dispatch.cloud.internal;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.schema.Json;
import energy.dispatch.schema.tls.ServerKeystore;
import energy.dispatch.schema.tls.TlsProtocols;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The Javalin server of a node, bound to the configured host and port: HTTPS and WSS only when a key
 * store is configured (Javalin then opens no plain connector), else plain HTTP.
 */
public final class HttpServer implements AutoCloseable {

  private final Javalin app;

  private HttpServer(Javalin app) {
    this.app = app;
  }

  /**
   * Creates the server, lets {@code routes} add handlers, and binds it.
   *
   * @throws StartupException naming DISPATCH_HTTP_PORT when the port is taken, or the key store setting when
   *     the key store cannot be used
   */
  public static HttpServer start(CloudSettings settings, Consumer<Javalin> routes) {
    settings.httpsKeystore().ifPresent(HttpServer::verify);
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      config.jsonMapper(new JavalinJackson(Json.mapper(), false));
      config.http.maxRequestSize = settings.maxPayloadBytes();
      config.jetty.defaultHost = settings.httpHost();
      config.jetty.defaultPort = settings.httpPort();
      config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      // Jetty's own limit sits above ours, so an oversized message is answered on a socket that stays open
      config.jetty.modifyWebSocketServletFactory(factory -> {
        factory.setMaxTextMessageSize(4L * settings.maxPayloadBytes());
        factory.setIdleTimeout(java.time.Duration.ofSeconds(60));
      });
      settings.httpsKeystore().ifPresent(keystore -> config.jetty.addConnector(
          (server, http) -> httpsConnector(server, http, keystore, settings)));
    });
    routes.accept(app);
    try {
      app.start();
    } catch (JavalinBindException e) {
      app.stop();
      throw new StartupException("DISPATCH_HTTP_PORT=" + settings.httpPort() + " is already in use on "
          + settings.httpHost() + "; stop what listens there or set DISPATCH_HTTP_PORT to a free port (0 = any)", e);
    }
    return new HttpServer(app);
  }

  private static void verify(ServerKeystore keystore) {
    try {
      keystore.verify(CloudSettings.HTTPS_KEYSTORE_SETTING);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  private static ServerConnector httpsConnector(Server server, HttpConfiguration http, ServerKeystore keystore,
      CloudSettings settings) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keystore.path().toAbsolutePath().toString());
    tls.setKeyStorePassword(keystore.password());
    tls.setKeyManagerPassword(keystore.privateKeyPassword());
    tls.setIncludeProtocols(TlsProtocols.ALLOWED.toArray(String[]::new));
    // Marks requests secure; its SNI check refuses a Host the certificate does not name.
    http.addCustomizer(new SecureRequestCustomizer());
    ServerConnector connector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
    connector.setHost(settings.httpHost());
    connector.setPort(settings.httpPort());
    return connector;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
