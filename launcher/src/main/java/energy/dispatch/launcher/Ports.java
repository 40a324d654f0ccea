package energy.dispatch.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Chooses and checks listening ports, so that a taken port is an error naming its setting. */
final class Ports {

  private Ports() {}

  /**
   * The port of a setting: the explicit value when given (which must be free), else the preferred
   * port when free, else any free port.
   *
   * @throws IllegalStateException naming the setting when an explicit port is taken
   */
  static int choose(String settingName, String explicitValue, int preferred) {
    if (explicitValue != null && !explicitValue.isBlank()) {
      int port = parse(settingName, explicitValue);
      if (port != 0 && !isFree(port)) {
        throw new IllegalStateException(settingName + "=" + port + " is already in use on 127.0.0.1; "
            + "stop what listens there or set " + settingName + " to a free port");
      }
      return port == 0 ? anyFree() : port;
    }
    return preferred > 0 && isFree(preferred) ? preferred : anyFree();
  }

  static int parse(String settingName, String value) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(settingName + "='" + value + "' is not a port number (0-65535)", e);
    }
  }

  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  static int anyFree() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free TCP port on 127.0.0.1", e);
    }
  }
}
