package energy.dispatch.simulator;

import com.ghgande.j2mod.modbus.net.AbstractModbusListener;
import com.ghgande.j2mod.modbus.procimg.ProcessImage;
import java.util.function.IntFunction;

/**
 * Hands j2mod's request handling the process image of a unit id. j2mod answers requests on behalf
 * of a listener; this one never listens itself, {@link ModbusTcpServer} owns the sockets.
 */
final class ProcessImageListener extends AbstractModbusListener {

  private final IntFunction<ProcessImage> images;

  ProcessImageListener(IntFunction<ProcessImage> images) {
    this.images = images;
  }

  @Override
  public ProcessImage getProcessImage(int unitId) {
    return images.apply(unitId);
  }

  @Override
  public void run() {
    // never started: ModbusTcpServer runs the accept loop
  }

  @Override
  public void stop() {
    // nothing to stop
  }
}
