package energy.dispatch.edge.control;

import java.util.Optional;

/**
 * A battery power after the safety limits: {@code appliedWatts} is what may be written, and
 * {@code limitedBy} names the limit that changed the request, if one did.
 */
public record Limited(double requestedWatts, double appliedWatts, Optional<String> limitedBy) {

  public boolean changed() {
    return limitedBy.isPresent();
  }
}
