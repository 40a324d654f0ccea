package energy.dispatch.cloud.command;

import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandValidator;

/**
 * The cloud's check of a command against the edge's stored capability config. It applies the very
 * rules the edge applies ({@link CommandValidator}), so a command the edge would reject on that
 * config is refused before it travels. Only what needs the device itself stays for the edge: a
 * value whose register scale is read from the device. Pure and thread-safe.
 */
public final class CapabilityCheck {

  private static final CommandValidator RULES = new CommandValidator();

  private CapabilityCheck() {}

  /** @throws RefusalException naming what the config does not allow */
  public static void check(Command command, CapabilityConfig config) {
    RULES.validate(command, config).ifPresent(problem -> {
      throw new RefusalException(problem);
    });
  }
}
