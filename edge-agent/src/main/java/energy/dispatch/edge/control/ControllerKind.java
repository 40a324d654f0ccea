package energy.dispatch.edge.control;

import java.util.Optional;

/** The algorithms a capability config can name in a controller's {@code kind}. */
public enum ControllerKind {
  BALANCING("balancing"),
  PEAK_SHAVING("peak_shaving"),
  MIN_SOC("min_soc");

  /** The parameter of the min_soc guard: no discharging at or below this state of charge, in %. */
  public static final String MIN_SOC_PARAMETER = "MinSoc";

  private final String wire;

  ControllerKind(String wire) {
    this.wire = wire;
  }

  public static Optional<ControllerKind> fromWire(String wire) {
    for (ControllerKind kind : values()) {
      if (kind.wire.equals(wire)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** The power algorithm, or empty for the guard, which only limits. */
  Optional<PowerController> algorithm() {
    return switch (this) {
      case BALANCING -> Optional.of(new BalancingController());
      case PEAK_SHAVING -> Optional.of(new PeakShavingController());
      case MIN_SOC -> Optional.empty();
    };
  }
}
