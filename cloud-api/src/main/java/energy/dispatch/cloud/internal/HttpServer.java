package energy.dispatch.cloud.internal;

import energy.dispatch.cloud.CloudSettings;
import energy.dispatch.schema.Json;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.javalin.util.JavalinBindException;
import java.util.function.Consumer;

/** The Javalin server of a node, bound to the configured host and port. */
public final class HttpServer implements AutoCloseable {

  private final Javalin app;

  private HttpServer(Javalin app) {
    this.app = app;
  }

  /**
   * Creates the server, lets {@code routes} add handlers, and binds it.
   *
   * @throws StartupException naming DISPATCH_HTTP_PORT when the port is taken
   */
  public static HttpServer start(CloudSettings settings, Consumer<Javalin> routes) {
    Javalin app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      config.jsonMapper(new JavalinJackson(Json.mapper(), false));
      config.http.maxRequestSize = settings.maxPayloadBytes();
      config.jetty.defaultHost = settings.httpHost();
      config.jetty.defaultPort = settings.httpPort();
      // Jetty's own limit sits above ours, so an oversized message is answered on a socket that stays open
      config.jetty.modifyWebSocketServletFactory(factory -> {
        factory.setMaxTextMessageSize(4L * settings.maxPayloadBytes());
        factory.setIdleTimeout(java.time.Duration.ofSeconds(60));
      });
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

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
