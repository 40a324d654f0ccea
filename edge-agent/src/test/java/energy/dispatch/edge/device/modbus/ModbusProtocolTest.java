package energy.dispatch.edge.device.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.CapabilityConfig.Channel;
import energy.dispatch.schema.CapabilityConfig.Device;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The gateway against a device that answers with malformed or mismatched frames, which the
 * simulator never sends: a scripted Modbus TCP server on a free port.
 */
class ModbusProtocolTest {

  private static final ModbusDeviceGateway.Settings FAST = new ModbusDeviceGateway.Settings(
      Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofMillis(200));

  @Test
  void answer_to_another_transaction_is_refused_and_the_connection_reset() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice(answer -> {
      answer.putShort(0, (short) (answer.getShort(0) + 1));
      return answer;
    }); ModbusDeviceGateway gateway = new ModbusDeviceGateway(config(device.port()), FAST)) {
      assertThatThrownBy(() -> gateway.read("meter", "ActivePower"))
          .isInstanceOfSatisfying(DeviceException.class, e -> {
            assertThat(e.error().code()).isEqualTo("device_unreachable");
            assertThat(e.getMessage()).contains("answered out of turn").contains("transaction");
          });
      assertThat(gateway.unreachableReason("meter")).isPresent();
    }
  }

  @Test
  void answer_for_another_unit_is_refused() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice(answer -> answer.put(6, (byte) 7));
        ModbusDeviceGateway gateway = new ModbusDeviceGateway(config(device.port()), FAST)) {
      assertThatThrownBy(() -> gateway.read("meter", "ActivePower"))
          .isInstanceOfSatisfying(DeviceException.class,
              e -> assertThat(e.getMessage()).contains("unit 7, expected 1"));
    }
  }

  @Test
  void answer_with_too_few_registers_is_refused() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice(answer -> {
      ByteBuffer shorter = ByteBuffer.allocate(answer.capacity() - 2).put(answer.array(), 0, answer.capacity() - 2);
      shorter.putShort(4, (short) (shorter.getShort(4) - 2)).put(8, (byte) (shorter.get(8) - 2));
      return shorter;
    }); ModbusDeviceGateway gateway = new ModbusDeviceGateway(config(device.port()), FAST)) {
      assertThatThrownBy(() -> gateway.read("meter", "ActivePower"))
          .isInstanceOfSatisfying(DeviceException.class, e -> {
            assertThat(e.error().code()).isEqualTo("device_unreachable");
            assertThat(e.getMessage()).contains("answered 1 registers for a read of 2");
          });
    }
  }

  @Test
  void answer_trickled_past_the_request_timeout_is_cut_off_at_the_timeout() throws Exception {
    // 13 bytes, one every 150 ms: each socket read waits less than the 300 ms timeout, the answer takes 1.95 s
    try (ScriptedDevice device = new ScriptedDevice(UnaryOperator.identity(), Duration.ofMillis(150));
        ModbusDeviceGateway gateway = new ModbusDeviceGateway(config(device.port()), FAST)) {
      long start = System.nanoTime();

      assertThatThrownBy(() -> gateway.read("meter", "ActivePower"))
          .isInstanceOfSatisfying(DeviceException.class, e -> {
            assertThat(e.error().code()).isEqualTo("device_unreachable");
            assertThat(e.getMessage()).contains("did not answer within 300 ms");
          });

      // the timeout plus room for a busy machine, and well short of the trickled answer
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_200));
      assertThat(gateway.unreachableReason("meter")).isPresent();
    }
  }

  @Test
  void answer_trickled_within_the_request_timeout_is_taken() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice(UnaryOperator.identity(), Duration.ofMillis(5));
        ModbusDeviceGateway gateway = new ModbusDeviceGateway(config(device.port()), FAST)) {
      assertThat(gateway.read("meter", "ActivePower")).isEqualTo(0x0001_0002);
    }
  }

  @Test
  void input_register_channel_is_read_with_function_code_4() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice(UnaryOperator.identity());
        ModbusDeviceGateway gateway = new ModbusDeviceGateway(config(device.port(), "input"), FAST)) {
      assertThat(gateway.read("meter", "ActivePower")).isEqualTo(0x0001_0002);
      assertThat(device.functionCodes()).containsExactly(4);
    }
  }

  @Test
  void answer_from_holding_registers_to_a_read_of_input_registers_is_refused() throws Exception {
    try (ScriptedDevice device = new ScriptedDevice(answer -> answer.put(7, (byte) 3));
        ModbusDeviceGateway gateway = new ModbusDeviceGateway(config(device.port(), "input"), FAST)) {
      assertThatThrownBy(() -> gateway.read("meter", "ActivePower"))
          .isInstanceOfSatisfying(DeviceException.class, e -> {
            assertThat(e.error().code()).isEqualTo("device_unreachable");
            assertThat(e.getMessage()).contains("function code 3, expected 4");
          });
    }
  }

  private static CapabilityConfig config(int port) {
    return config(port, null);
  }

  private static CapabilityConfig config(int port, String registerKind) {
    Channel power = new Channel("ActivePower", 0, "int32", null, null, null, null, "W", "read", null, null, null,
        registerKind, null);
    return new CapabilityConfig("edge_test", 1, null,
        List.of(new Device("meter", "meter", "127.0.0.1", port, 1, List.of(power))), null);
  }

  /**
   * Answers every read of holding or input registers with words 0x0001, 0x0002, ... after passing
   * the correct frame through {@code tamper}, all at once or a byte every {@code byteGap}, and
   * records each request's function code. One connection at a time.
   */
  private static final class ScriptedDevice implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private final Duration byteGap;
    private final List<Integer> functionCodes = new CopyOnWriteArrayList<>();

    ScriptedDevice(UnaryOperator<ByteBuffer> tamper) throws IOException {
      this(tamper, Duration.ZERO);
    }

    ScriptedDevice(UnaryOperator<ByteBuffer> tamper, Duration byteGap) throws IOException {
      this.byteGap = byteGap;
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> serve(tamper), "scripted-modbus-device");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    List<Integer> functionCodes() {
      return List.copyOf(functionCodes);
    }

    private void serve(UnaryOperator<ByteBuffer> tamper) {
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          socket.setTcpNoDelay(true);
          DataInputStream in = new DataInputStream(socket.getInputStream());
          DataOutputStream out = new DataOutputStream(socket.getOutputStream());
          while (true) {
            byte[] header = new byte[7];
            in.readFully(header);
            byte[] pdu = new byte[ByteBuffer.wrap(header).getShort(4) - 1];
            in.readFully(pdu);
            functionCodes.add((int) pdu[0]);
            send(out, tamper.apply(answer(header, pdu)).array());
          }
        } catch (IOException e) {
          // the client went away or the test ended; wait for the next connection
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void send(DataOutputStream out, byte[] frame) throws IOException, InterruptedException {
      if (byteGap.isZero()) {
        out.write(frame);
        out.flush();
        return;
      }
      for (byte b : frame) {
        out.write(b);
        out.flush();
        // the device's own pace, not a test waiting for something
        Thread.sleep(byteGap.toMillis());
      }
    }

    private static ByteBuffer answer(byte[] header, byte[] pdu) {
      int count = ByteBuffer.wrap(pdu).getShort(3);
      ByteBuffer answer = ByteBuffer.allocate(9 + 2 * count);
      answer.put(header, 0, 4).putShort((short) (3 + 2 * count)).put(header[6]);
      answer.put(pdu[0]).put((byte) (2 * count));
      for (int i = 1; i <= count; i++) {
        answer.putShort((short) i);
      }
      return answer;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
