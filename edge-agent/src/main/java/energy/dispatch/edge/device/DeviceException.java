package energy.dispatch.edge.device;

import energy.dispatch.schema.ErrorDetail;

/** A device operation that failed; {@link #error()} is what the ack carries. */
public class DeviceException extends Exception {

  private final transient ErrorDetail error;

  public DeviceException(ErrorDetail error) {
    super(error.message());
    this.error = error;
  }

  public DeviceException(ErrorDetail error, Throwable cause) {
    super(error.message(), cause);
    this.error = error;
  }

  public ErrorDetail error() {
    return error;
  }
}
