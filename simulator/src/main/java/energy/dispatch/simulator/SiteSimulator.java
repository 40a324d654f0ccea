package energy.dispatch.simulator;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.msg.ExceptionResponse;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.msg.WriteMultipleRegistersRequest;
import com.ghgande.j2mod.modbus.msg.WriteSingleRegisterRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated energy site behind a real Modbus TCP server, serving the register map of
 * config/sites/*.json: unit 1 battery (bms_main), 2 grid meter (in input registers), 3 PV inverter, 4
 * site load. A
 * thread advances the {@link SiteModel} in real time every {@value #TICK_MILLIS} ms, so a 50 kW
 * charge setpoint makes the state of charge rise.
 *
 * <p>For fault tests it can drop off the network and return on the same port ({@link #stop()},
 * {@link #start()}), answer late ({@link #setResponseDelay}), refuse the next write with a Modbus
 * exception ({@link #failNextWrite}), and record the function code of every write each register
 * received ({@link #writeFunctionCodes}), so a test can tell a single-register write from a
 * multiple-register one.
 *
 * <p>Thread-safe. Physics keeps running while the server is stopped; {@link #close()} ends both.
 */
public final class SiteSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SiteSimulator.class);
  private static final long TICK_MILLIS = 100;

  private final SiteModel model;
  private final SiteRegisters registers = new SiteRegisters();
  private final ProcessImageListener images = new ProcessImageListener(registers::image);
  private final ModbusTcpServer server;
  private final ScheduledExecutorService ticker;
  /** Guarded by {@code registers}, like the writes it records. */
  private final Map<Long, List<Integer>> writeFunctionCodes = new HashMap<>();
  private final AtomicReference<Integer> nextWriteFailure = new AtomicReference<>();
  private final AtomicLong requests = new AtomicLong();
  private volatile Duration responseDelay = Duration.ZERO;
  private long lastTickNanos;

  private SiteSimulator(InetAddress bindAddress, int port, SiteModel model) {
    this.model = model;
    this.server = new ModbusTcpServer(bindAddress, port, this::answer, () -> responseDelay);
    this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "site-simulator-tick");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts a simulated site listening on the loopback interface.
   *
   * @param port the TCP port, 0 for a free one (see {@link #port()})
   * @throws IOException when the port cannot be bound; the message names it
   */
  public static SiteSimulator start(int port, SiteModel model) throws IOException {
    return start(InetAddress.getLoopbackAddress(), port, model);
  }

  /** Starts a simulated site listening on the given interface (0.0.0.0 for all). */
  public static SiteSimulator start(InetAddress bindAddress, int port, SiteModel model) throws IOException {
    SiteSimulator simulator = new SiteSimulator(bindAddress, port, model);
    simulator.publish();
    simulator.server.start();
    simulator.lastTickNanos = System.nanoTime();
    simulator.ticker.scheduleAtFixedRate(simulator::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    log.info("Site simulator listening for Modbus TCP on {}:{} (unit 1 battery, 2 grid meter, 3 PV, 4 load): {}",
        bindAddress.getHostAddress(), simulator.port(), model);
    return simulator;
  }

  /** The TCP port it listens on, also while stopped: {@link #start()} binds it again. */
  public int port() {
    return server.port();
  }

  public SiteModel model() {
    return model;
  }

  /** Drops off the network: closes every connection and the listening port. Physics goes on. */
  public void stop() {
    server.stop();
    log.info("Site simulator on port={} stopped listening (simulated device loss)", port());
  }

  /** Comes back on the same port after {@link #stop()}. */
  public void start() throws IOException {
    server.start();
    log.info("Site simulator on port={} listening again", port());
  }

  public boolean running() {
    return server.running();
  }

  /** How many accepted writes (function code 6 or 16) covered this register; refused writes do not count. */
  public int writeCount(int unitId, int register) {
    return writeFunctionCodes(unitId, register).size();
  }

  /**
   * The Modbus function code (6 or 16) of each accepted write that covered this register, oldest
   * first; refused writes are not recorded.
   */
  public List<Integer> writeFunctionCodes(int unitId, int register) {
    synchronized (registers) {
      return List.copyOf(writeFunctionCodes.getOrDefault(key(unitId, register), List.of()));
    }
  }

  /** How many Modbus requests it has answered since it started, of any kind and unit. */
  public long requestCount() {
    return requests.get();
  }

  /** The raw 16-bit word a unit holds at a register address, as a client would read it. */
  public int register(int unitId, int address) {
    synchronized (registers) {
      return registers.word(unitId, address);
    }
  }

  /** Makes every answer wait this long after the request took effect, like a slow device; zero by default. */
  public void setResponseDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a response delay is zero or more, got " + delay);
    }
    this.responseDelay = delay;
  }

  /** Answers the next write request, of any unit, with this Modbus exception code and leaves the registers alone. */
  public void failNextWrite(int exceptionCode) {
    if (exceptionCode < 1 || exceptionCode > 0x7F) {
      throw new IllegalArgumentException("a Modbus exception code lies in 1..127, got " + exceptionCode);
    }
    nextWriteFailure.set(exceptionCode);
  }

  /** Stops the server and the physics. */
  @Override
  public void close() {
    ticker.shutdownNow();
    server.stop();
    log.info("Site simulator on port={} closed", port());
  }

  private ModbusResponse answer(ModbusRequest request) {
    requests.incrementAndGet();
    int unitId = request.getUnitID();
    synchronized (registers) {
      if (registers.image(unitId) == null) {
        // what a gateway answers for a unit id behind it that does not respond
        return request.createExceptionResponse(Modbus.GATEWAY_TARGET_NO_RESPONSE);
      }
      WriteRange write = WriteRange.of(request);
      if (write != null) {
        Integer failure = nextWriteFailure.getAndSet(null);
        if (failure != null) {
          log.info("Site simulator on port={} refuses a write to unit {} register {} with exception {} as asked",
              port(), unitId, write.first(), failure);
          return request.createExceptionResponse(failure);
        }
      }
      ModbusResponse response = request.createResponse(images);
      if (write != null && !(response instanceof ExceptionResponse)) {
        accept(unitId, write);
      }
      return response;
    }
  }

  private void accept(int unitId, WriteRange write) {
    registers.applyWrite(unitId, write.first(), write.count(), model);
    registers.publish(model);
    for (int register = write.first(); register < write.first() + write.count(); register++) {
      writeFunctionCodes.computeIfAbsent(key(unitId, register), k -> new ArrayList<>()).add(write.functionCode());
    }
  }

  private void tick() {
    try {
      long now = System.nanoTime();
      model.advance(Duration.ofNanos(now - lastTickNanos));
      lastTickNanos = now;
      publish();
    } catch (RuntimeException e) {
      // a failed tick must not end the schedule; the next one tries again
      log.error("Site simulator on port={} failed to advance the site model", port(), e);
    }
  }

  private void publish() {
    synchronized (registers) {
      registers.publish(model);
    }
  }

  private static long key(int unitId, int register) {
    return ((long) unitId << 16) | register;
  }

  /** The registers a write request covers. */
  private record WriteRange(int first, int count, int functionCode) {
    static WriteRange of(ModbusRequest request) {
      if (request instanceof WriteSingleRegisterRequest single) {
        return new WriteRange(single.getReference(), 1, single.getFunctionCode());
      }
      if (request instanceof WriteMultipleRegistersRequest multiple) {
        return new WriteRange(multiple.getReference(), multiple.getWordCount(), multiple.getFunctionCode());
      }
      return null;
    }
  }
}
