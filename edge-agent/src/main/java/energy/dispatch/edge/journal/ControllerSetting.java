package energy.dispatch.edge.journal;

import java.util.Optional;

/**
 * What commands changed on a controller against its capability config: its mode
 * ({@code mode_change}) and whether it is in the run list ({@code scheduler}). Empty means as
 * configured.
 */
public record ControllerSetting(String controller, Optional<String> mode, Optional<Boolean> enabled) {}
