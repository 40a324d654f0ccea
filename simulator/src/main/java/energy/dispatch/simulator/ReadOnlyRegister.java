package energy.dispatch.simulator;

import com.ghgande.j2mod.modbus.procimg.IllegalAddressException;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;

/**
 * A holding register a Modbus client may read but not write: a write answers exception 02 (illegal
 * data address), as measuring registers of real devices do. The simulator itself sets it with
 * {@link #publish(int)}.
 */
final class ReadOnlyRegister extends SimpleRegister {

  ReadOnlyRegister() {
    super((byte) 0, (byte) 0);
  }

  void publish(int word) {
    super.setValue(word);
  }

  @Override
  public synchronized void setValue(int value) {
    throw new IllegalAddressException("read-only register");
  }

  @Override
  public synchronized void setValue(short value) {
    throw new IllegalAddressException("read-only register");
  }

  @Override
  public synchronized void setValue(byte[] bytes) {
    throw new IllegalAddressException("read-only register");
  }
}
