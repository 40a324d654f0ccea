package energy.dispatch.edge.device;

import java.util.Map;
import java.util.Optional;

/**
 * The edge's access to the site's devices, in engineering units and the project's sign
 * convention (battery power positive = charging, grid positive = import, PV positive =
 * production). Channels are named {@code device_id/channel}. Implementations are driven by the
 * capability config; they need not be thread-safe: the Core Cycle is their only caller.
 */
public interface DeviceGateway extends AutoCloseable {

  /**
   * Reads every readable channel of every device. A device that cannot be read is missing from the
   * map (and reported unreachable), so one failing device never stops the cycle; so is a channel
   * the device refuses or marks as not implemented, so no controller acts on it.
   */
  Map<String, Double> readAll();

  /**
   * Reads one channel.
   *
   * @throws DeviceException with {@code value_not_implemented} when the channel declares
   *     {@code sunspec_not_implemented} and its register holds the marker, or as {@link #write}
   */
  double read(String deviceId, String channel) throws DeviceException;

  /**
   * Writes one channel and confirms it: encodes with the channel's type, word order, scale and
   * sign, refuses a value outside the register's range before any write, writes with the
   * channel's function code, and reads the register back where the channel is readable.
   *
   * @return the value the device holds after the write, in engineering units
   * @throws DeviceException with {@code out_of_range}, {@code device_unreachable},
   *     {@code modbus_exception:NN} or {@code readback_mismatch}
   */
  double write(String deviceId, String channel, double value) throws DeviceException;

  /** Why the device is unreachable: empty while it answered its last request (an exception is an answer). */
  Optional<String> unreachableReason(String deviceId);

  @Override
  void close();
}
