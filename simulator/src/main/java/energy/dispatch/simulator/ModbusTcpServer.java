package energy.dispatch.simulator;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Modbus TCP server: j2mod frames and parses the messages, this class owns the sockets. It does not
 * use j2mod's ModbusSlave because a stopped slave leaves its open connections answering, cannot
 * bind port 0, and answers only exception 02; a simulated device must drop every connection on
 * {@link #stop()} and answer any exception code a test asks for.
 *
 * <p>Thread-safe: one thread accepts, one thread serves each connection, requests on a connection
 * are answered in order.
 */
final class ModbusTcpServer {

  private static final Logger log = LoggerFactory.getLogger(ModbusTcpServer.class);
  private static final int MAX_CONNECTIONS = 64;

  private final InetAddress bindAddress;
  private final Function<ModbusRequest, ModbusResponse> handler;
  private final Supplier<Duration> responseDelay;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private int port;
  private ServerSocket serverSocket;
  private ExecutorService threads;

  ModbusTcpServer(InetAddress bindAddress, int port, Function<ModbusRequest, ModbusResponse> handler,
      Supplier<Duration> responseDelay) {
    this.bindAddress = bindAddress;
    this.port = port;
    this.handler = handler;
    this.responseDelay = responseDelay;
  }

  /** Listens; port 0 picks a free port on the first start, and every later start reuses it. */
  synchronized void start() throws IOException {
    if (serverSocket != null) {
      return;
    }
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    try {
      socket.bind(new InetSocketAddress(bindAddress, port), MAX_CONNECTIONS);
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot listen for Modbus TCP on " + bindAddress.getHostAddress() + ":" + port
          + " (" + e.getMessage() + "); choose another port or stop what holds it", e);
    }
    port = socket.getLocalPort();
    serverSocket = socket;
    threads = Executors.newCachedThreadPool(daemonThreads("modbus-sim-" + port));
    threads.execute(() -> acceptLoop(socket));
  }

  /** Closes the listening socket and every open connection, like a device that loses power. */
  synchronized void stop() {
    if (serverSocket == null) {
      return;
    }
    closeQuietly(serverSocket);
    serverSocket = null;
    connections.forEach(ModbusTcpServer::closeQuietly);
    connections.clear();
    threads.shutdownNow();
    threads = null;
  }

  synchronized boolean running() {
    return serverSocket != null;
  }

  synchronized int port() {
    return port;
  }

  private void acceptLoop(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket socket = listening.accept();
        socket.setTcpNoDelay(true);
        if (connections.size() >= MAX_CONNECTIONS) {
          log.warn("Modbus simulator on port={} refuses a connection: {} are open already", port, MAX_CONNECTIONS);
          closeQuietly(socket);
          continue;
        }
        connections.add(socket);
        serve(socket);
      } catch (IOException e) {
        if (!listening.isClosed()) {
          log.warn("Modbus simulator on port={} failed to accept a connection; it keeps listening", port, e);
        }
      }
    }
  }

  private synchronized void serve(Socket socket) {
    if (threads == null) {
      closeQuietly(socket);
      return;
    }
    threads.execute(() -> connectionLoop(socket));
  }

  private void connectionLoop(Socket socket) {
    try {
      ModbusTCPTransport transport = new ModbusTCPTransport(socket);
      transport.setTimeout(0); // an idle client keeps its connection, as with a real device
      ProcessImageListener listener = new ProcessImageListener(unitId -> null);
      while (!socket.isClosed()) {
        ModbusRequest request = transport.readRequest(listener);
        ModbusResponse response = handler.apply(request);
        delay();
        transport.writeResponse(response);
      }
    } catch (ModbusIOException e) {
      log.debug("Modbus simulator on port={}: connection from {} ended ({})", port,
          socket.getRemoteSocketAddress(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (socket.isClosed()) {
        // stop() closed the socket while the connection was being set up
        log.debug("Modbus simulator on port={}: connection closed while opening ({})", port, e.getMessage());
      } else {
        log.error("Modbus simulator on port={} dropped a connection after an unexpected failure", port, e);
      }
    } finally {
      connections.remove(socket);
      closeQuietly(socket);
    }
  }

  private void delay() throws InterruptedException {
    Duration delay = responseDelay.get();
    if (!delay.isZero()) {
      // the simulated device is slow on purpose; stop() interrupts the wait
      Thread.sleep(delay.toMillis());
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("closing {} failed: {}", closeable, e.getMessage());
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
