package energy.dispatch.edge.device.modbus;

import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.ModbusTCPTransport;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Modbus TCP connection to a host and port that serves one or more devices (unit ids). One
 * request is outstanding at a time, and a response must carry its request's transaction id, unit id
 * and function code. A connection that fails or times out is closed, since a late answer would
 * otherwise be taken for the next request's, and is opened again in the background with bounded
 * exponential back-off; meanwhile requests fail at once with {@code device_unreachable}. The request
 * timeout bounds the whole exchange, not each socket read: a device that trickles its answer a
 * byte at a time is cut off at the timeout like one that says nothing.
 *
 * <p>Thread-safe: requests queue on one lock, each holding it for at most about the request timeout.
 */
final class ModbusEndpoint implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ModbusEndpoint.class);
  private static final int EXCEPTION_FLAG = 0x80;

  private final String host;
  private final int port;
  private final ModbusDeviceGateway.Settings settings;
  private final ScheduledExecutorService reconnects;
  private final ScheduledExecutorService deadlines;
  private final Backoff backoff;
  private final Object exchangeLock = new Object();
  private ModbusTCPTransport transport; // guarded by exchangeLock; null while disconnected
  private Socket socket; // guarded by exchangeLock; the transport's, which a request's deadline closes
  private int lastTransactionId; // guarded by exchangeLock
  private boolean answering; // guarded by exchangeLock: the current connection has answered a request
  private boolean reconnectScheduled; // guarded by this
  private volatile boolean connected;
  private volatile boolean closed;

  /**
   * @param reconnects where re-opening a lost connection runs
   * @param deadlines where a request's deadline closes its connection; apart from {@code reconnects},
   *     whose connect attempts must not delay a deadline
   */
  ModbusEndpoint(String host, int port, ModbusDeviceGateway.Settings settings, ScheduledExecutorService reconnects,
      ScheduledExecutorService deadlines) {
    this.host = host;
    this.port = port;
    this.settings = settings;
    this.reconnects = reconnects;
    this.deadlines = deadlines;
    this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
  }

  String address() {
    return host + ":" + port;
  }

  boolean connected() {
    return connected;
  }

  /** Connects on the caller's thread, bounded by the connect timeout; on failure retries in the background. */
  void connectOrRetry(String devices) {
    try {
      install(open());
      log.info("Modbus endpoint={} connected for deviceId={}", address(), devices);
    } catch (IOException e) {
      log.warn("Modbus endpoint={} for deviceId={} is unreachable ({}); retrying in the background with back-off. "
          + "Check that the device is powered, listens on that port and that the capability config names the "
          + "right host", address(), devices, e.getMessage());
      scheduleReconnect();
    }
  }

  /**
   * Sends one request and waits for its response.
   *
   * @throws DeviceException {@code device_unreachable} when not connected, when the device does not
   *     answer within the request timeout, or when the answer does not match the request
   */
  ModbusResponse exchange(String deviceId, ModbusRequest request) throws DeviceException {
    synchronized (exchangeLock) {
      if (transport == null) {
        throw unreachable(deviceId, "is not connected; reconnecting in the background with back-off. "
            + "Check that the device is powered and reachable on the network", null);
      }
      request.setTransactionID(nextTransactionId());
      ScheduledFuture<?> deadline = deadline(socket);
      ModbusResponse response;
      try {
        transport.writeRequest(request);
        response = transport.readResponse();
      } catch (ModbusIOException e) {
        deadline.cancel(false);
        throw lateOrLost(deviceId, e.getMessage(), e);
      }
      if (!deadline.cancel(false)) {
        // the deadline closed the socket as the last byte came: the connection is gone either way
        throw lateOrLost(deviceId, "the answer completed only at the deadline", null);
      }
      String mismatch = mismatch(request, response);
      if (mismatch != null) {
        dropLocked(deviceId, mismatch);
        throw unreachable(deviceId, "answered out of turn (" + mismatch + "); the connection was reset", null);
      }
      if (!answering) {
        // back-off restarts only once the device answers: one that accepts connections but never
        // answers is retried ever more slowly, and its requests fail at once meanwhile
        answering = true;
        backoff.reset();
        log.info("Modbus endpoint={} answers (deviceId={})", address(), deviceId);
      }
      return response;
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (exchangeLock) {
      closeTransport();
    }
  }

  private Socket open() throws IOException {
    Socket connecting = new Socket();
    try {
      connecting.setTcpNoDelay(true);
      connecting.setKeepAlive(true);
      connecting.connect(new InetSocketAddress(host, port), (int) settings.connectTimeout().toMillis());
      return connecting;
    } catch (IOException e) {
      connecting.close();
      throw e;
    }
  }

  private void install(Socket opened) throws IOException {
    synchronized (exchangeLock) {
      if (closed) {
        opened.close();
        return;
      }
      ModbusTCPTransport installed;
      try {
        installed = new ModbusTCPTransport(opened);
      } catch (IllegalStateException e) {
        // j2mod's way of saying the socket closed between connect and here
        opened.close();
        throw new IOException("connection closed while opening", e);
      }
      // also per read, so that a silent device is noticed even if the deadline task were late
      installed.setTimeout((int) settings.requestTimeout().toMillis());
      transport = installed;
      socket = opened;
      connected = true;
    }
  }

  /**
   * Closes the socket once the request timeout has passed, which ends a read blocked on it. The
   * gateway shuts this executor down only after closing its endpoints, and closing waits for the
   * exchange under way, so scheduling here is never refused.
   */
  private ScheduledFuture<?> deadline(Socket watched) {
    return deadlines.schedule(() -> {
      try {
        watched.close();
      } catch (IOException e) {
        log.debug("Modbus endpoint={} close at the request deadline failed: {}", address(), e.getMessage());
      }
    }, settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private DeviceException lateOrLost(String deviceId, String reason, Throwable cause) {
    dropLocked(deviceId, reason);
    return unreachable(deviceId, "did not answer within " + settings.requestTimeout().toMillis()
        + " ms or closed the connection (" + reason + "); if it was a write, its outcome is unknown "
        + "until it is read back", cause);
  }

  private void dropLocked(String deviceId, String reason) {
    closeTransport();
    if (answering) {
      log.warn("Modbus endpoint={} lost (deviceId={}: {}); commands to its devices fail with device_unreachable "
          + "while it reconnects in the background. Check the device and the network path to it",
          address(), deviceId, reason);
    } else {
      // it never answered on this connection: the loss was reported already, report only recovery
      log.debug("Modbus endpoint={} still failing (deviceId={}: {})", address(), deviceId, reason);
    }
    answering = false;
    scheduleReconnect();
  }

  private void closeTransport() {
    connected = false;
    if (transport == null) {
      return;
    }
    try {
      transport.close();
    } catch (IOException e) {
      log.debug("Modbus endpoint={} close failed: {}", address(), e.getMessage());
    }
    transport = null;
    socket = null;
  }

  private synchronized void scheduleReconnect() {
    if (closed || reconnectScheduled) {
      return;
    }
    try {
      reconnects.schedule(this::reconnect, backoff.next().toMillis(), TimeUnit.MILLISECONDS);
      reconnectScheduled = true;
    } catch (RejectedExecutionException e) {
      log.debug("Modbus endpoint={}: no reconnect, the gateway is closing", address());
    }
  }

  private void reconnect() {
    synchronized (this) {
      reconnectScheduled = false;
    }
    if (closed) {
      return;
    }
    try {
      install(open());
      log.debug("Modbus endpoint={} reconnected", address());
    } catch (IOException e) {
      log.debug("Modbus endpoint={} still unreachable: {}", address(), e.getMessage());
      scheduleReconnect();
    } catch (RuntimeException e) {
      log.error("Modbus endpoint={} reconnect failed unexpectedly; trying again with back-off", address(), e);
      scheduleReconnect();
    }
  }

  private int nextTransactionId() {
    lastTransactionId = lastTransactionId % 0xFFFF + 1;
    return lastTransactionId;
  }

  private static String mismatch(ModbusRequest request, ModbusResponse response) {
    if (response.getTransactionID() != request.getTransactionID()) {
      return "transaction " + response.getTransactionID() + ", expected " + request.getTransactionID();
    }
    if (response.getUnitID() != request.getUnitID()) {
      return "unit " + response.getUnitID() + ", expected " + request.getUnitID();
    }
    int function = response.getFunctionCode() & ~EXCEPTION_FLAG;
    if (function != request.getFunctionCode()) {
      return "function code " + response.getFunctionCode() + ", expected " + request.getFunctionCode();
    }
    return null;
  }

  private DeviceException unreachable(String deviceId, String what, Throwable cause) {
    ErrorDetail error = ErrorDetail.of(ErrorCode.DEVICE_UNREACHABLE, "device " + deviceId + " at " + address() + " "
        + what);
    return cause == null ? new DeviceException(error) : new DeviceException(error, cause);
  }
}
