package energy.dispatch.broker.embedded;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * MQTT 5 written by hand over a socket, for packets a compliant client refuses to send, such as a PUBLISH
 * beyond the maximum packet size the broker announced. Only what the tests need: CONNECT with user name and
 * password, PUBLISH at QoS 0, and reading the broker's next packet.
 */
final class RawMqttConnection implements AutoCloseable {

  /** A packet from the broker: its type (the high nibble of the first byte) and its body. */
  record Packet(int type, byte[] body) {
    static final int CONNACK = 2;
    static final int DISCONNECT = 14;

    /** The reason code: the second byte of a CONNACK, the first of a DISCONNECT. */
    int reasonCode() {
      return body[type == CONNACK ? 1 : 0] & 0xff;
    }
  }

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  RawMqttConnection(int port) throws IOException {
    this.socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  void connect(String clientId, String user, String password) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(string("MQTT"));
    body.write(new byte[] {5, (byte) 0xC2, 0, 60, 0}); // version 5; user name, password, clean start; 60 s; no properties
    body.write(string(clientId));
    body.write(string(user));
    body.write(string(password));
    send(0x10, body.toByteArray());
  }

  void publishAtQos0(String topic, byte[] payload) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(string(topic));
    body.write(0); // no properties
    body.write(payload);
    send(0x30, body.toByteArray());
  }

  Packet next() throws IOException {
    int first = in.readUnsignedByte();
    byte[] body = new byte[readVariableLength(in)];
    in.readFully(body);
    return new Packet(first >> 4, body);
  }

  /** Whether the broker closed the connection: end of stream before the read timeout. */
  boolean closedByTheBroker() throws IOException {
    try {
      InputStream stream = socket.getInputStream();
      while (stream.read() >= 0) {
        // drain what the broker sent before closing
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void send(int header, byte[] body) throws IOException {
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(header);
    writeVariableLength(packet, body.length);
    packet.write(body);
    out.write(packet.toByteArray());
    out.flush();
  }

  private static byte[] string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    byte[] encoded = new byte[utf8.length + 2];
    encoded[0] = (byte) (utf8.length >> 8);
    encoded[1] = (byte) utf8.length;
    System.arraycopy(utf8, 0, encoded, 2, utf8.length);
    return encoded;
  }

  private static void writeVariableLength(ByteArrayOutputStream packet, int length) {
    int rest = length;
    do {
      int digit = rest % 128;
      rest /= 128;
      packet.write(rest > 0 ? digit | 0x80 : digit);
    } while (rest > 0);
  }

  private static int readVariableLength(DataInputStream in) throws IOException {
    int length = 0;
    int multiplier = 1;
    int digit;
    do {
      digit = in.readUnsignedByte();
      length += (digit & 0x7f) * multiplier;
      multiplier *= 128;
    } while ((digit & 0x80) != 0);
    return length;
  }
}
