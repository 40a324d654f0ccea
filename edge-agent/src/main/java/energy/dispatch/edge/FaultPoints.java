package energy.dispatch.edge;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points on the edge's command path where a fault-injection test can stop the agent dead, as
 * a power cut or {@code kill -9} would: no shutdown hook, no journal close, no last ack. It exists
 * for those tests only (launcher's {@code energy.dispatch.launcher.fault} suite); production never
 * sets it.
 *
 * <p>The agent halts the JVM with exit code 137 when the system property or environment variable
 * {@value #HALT_AT_SETTING} names the point reached, at the Nth time it is reached when
 * {@value #HALT_AFTER_N_SETTING} says so (the first time otherwise). The settings are read once,
 * at class load; absent them, {@link #reached} costs one field read. Thread-safe.
 */
public final class FaultPoints {

  public static final String HALT_AT_SETTING = "DISPATCH_FAULT_HALT_AT";
  public static final String HALT_AFTER_N_SETTING = "DISPATCH_FAULT_HALT_AFTER_N";
  /** A command message arrived; nothing about it is journaled yet and the MQTT message is not acknowledged. */
  public static final String AFTER_RECEIPT = "after_receipt";
  /** The intent of a device write is journaled; the write has not happened. */
  public static final String AFTER_INTENT = "after_intent";
  /** The device confirmed the write; its result is not journaled. */
  public static final String AFTER_DEVICE_WRITE = "after_device_write";
  /** An ack is journaled and about to be published; the broker has not seen it. */
  public static final String BEFORE_ACK = "before_ack";
  /** The exit code of a halt, the same as that of a process killed by SIGKILL. */
  public static final int HALT_EXIT_CODE = 137;

  private static final Logger LOG = LoggerFactory.getLogger(FaultPoints.class);
  private static final String HALT_AT = setting(HALT_AT_SETTING);
  private static final int HALT_AFTER_N = haltAfterN();
  private static final AtomicInteger TIMES_REACHED = new AtomicInteger();

  private FaultPoints() {}

  /** Marks that the agent reached {@code point}; halts the JVM when a test asked for it here. */
  public static void reached(String point) {
    if (HALT_AT != null && HALT_AT.equals(point) && TIMES_REACHED.incrementAndGet() == HALT_AFTER_N) {
      LOG.warn("Fault injection: halting the agent at point={} time={}", point, HALT_AFTER_N);
      Runtime.getRuntime().halt(HALT_EXIT_CODE);
    }
  }

  private static String setting(String name) {
    String value = System.getProperty(name, System.getenv(name));
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static int haltAfterN() {
    String value = setting(HALT_AFTER_N_SETTING);
    if (value == null) {
      return 1;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(HALT_AFTER_N_SETTING + "=" + value + " must be a whole number of 1 or more");
  }
}
