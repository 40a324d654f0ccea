package energy.dispatch.cloud.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The immutable facts (edge, submitter, deadline) of commands this node accepted lately, so that
 * their acks are matched without a database read. Only what never changes after acceptance is
 * used from here; the state always comes from the record. Bounded; thread-safe.
 */
public final class RecentCommands {

  private final Map<String, CommandRecord> byId;

  public RecentCommands(int capacity) {
    this.byId = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CommandRecord> eldest) {
        return size() > capacity;
      }
    };
  }

  public synchronized void remember(CommandRecord record) {
    byId.put(record.commandId(), record);
  }

  public synchronized Optional<CommandRecord> get(String commandId) {
    return Optional.ofNullable(byId.get(commandId));
  }
}
