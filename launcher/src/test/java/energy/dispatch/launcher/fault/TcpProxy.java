package energy.dispatch.launcher.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP link the test controls, between a client (an edge) and a server (the broker) on loopback:
 * {@link #cut()} drops every connection at once and refuses new ones, as a lost uplink does;
 * {@link #stall()} keeps the connections but holds every byte, as a link that went silent does
 * (neither side notices until a keep-alive runs out); {@link #restore()} lets bytes and
 * connections through again. Bytes are forwarded as they come, with TCP_NODELAY on both sides.
 * Thread-safe.
 */
final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final ServerSocket listener;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicBoolean linkUp = new AtomicBoolean(true);
  private final Object flow = new Object();
  private boolean stalled;
  private volatile boolean closed;

  private TcpProxy(int targetPort, ServerSocket listener) {
    this.targetPort = targetPort;
    this.listener = listener;
  }

  /** Listens on {@code listenPort} (0 for a free one) and forwards to {@code targetPort}, both on loopback. */
  static TcpProxy start(int listenPort, int targetPort) {
    try {
      ServerSocket listener = new ServerSocket();
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
      TcpProxy proxy = new TcpProxy(targetPort, listener);
      daemon("proxy-accept-" + proxy.port(), proxy::acceptLoop).start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + listenPort, e);
    }
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Drops every connection (the peers see a reset) and refuses new ones until {@link #restore()}. */
  void cut() {
    linkUp.set(false);
    open.forEach(TcpProxy::reset);
    open.clear();
  }

  /** Holds every byte in both directions, connections open, until {@link #restore()}. */
  void stall() {
    synchronized (flow) {
      stalled = true;
    }
  }

  void restore() {
    linkUp.set(true);
    synchronized (flow) {
      stalled = false;
      flow.notifyAll();
    }
  }

  private void awaitFlowing() throws InterruptedException {
    synchronized (flow) {
      while (stalled && !closed) {
        flow.wait(1_000);
      }
    }
  }

  boolean isUp() {
    return linkUp.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        if (!linkUp.get()) {
          reset(client);
          continue;
        }
        connect(client);
      } catch (IOException e) {
        if (!closed) {
          // a client that gave up while we connected; the next accept goes on
          continue;
        }
      }
    }
  }

  private void connect(Socket client) throws IOException {
    Socket server = new Socket();
    try {
      server.setTcpNoDelay(true);
      server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
      client.setTcpNoDelay(true);
    } catch (IOException e) {
      reset(client);
      server.close();
      return;
    }
    open.add(client);
    open.add(server);
    daemon("proxy-up-" + port(), () -> forward(client, server)).start();
    daemon("proxy-down-" + port(), () -> forward(server, client)).start();
  }

  private void forward(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        awaitFlowing();
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // the link was cut or a side closed: both sides go down below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      reset(from);
      reset(to);
      open.remove(from);
      open.remove(to);
    }
  }

  /** Closes with RST rather than FIN, as a link that vanished looks to whoever writes next. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() {
    closed = true;
    restore();
    cut();
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
