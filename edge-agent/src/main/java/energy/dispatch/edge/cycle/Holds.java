package energy.dispatch.edge.cycle;

import energy.dispatch.edge.journal.Hold;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The channels setpoints hold against the controllers. Not thread-safe: owned by the cycle thread. */
public final class Holds {

  private final Map<String, Hold> byChannel = new TreeMap<>();

  public Holds(List<Hold> restored) {
    restored.forEach(this::put);
  }

  public void put(Hold hold) {
    byChannel.put(hold.channelKey(), hold);
  }

  public Optional<Hold> remove(String channelKey) {
    return Optional.ofNullable(byChannel.remove(channelKey));
  }

  public Optional<Hold> get(String channelKey) {
    return Optional.ofNullable(byChannel.get(channelKey));
  }

  public List<Hold> endedAt(Instant now) {
    return byChannel.values().stream().filter(hold -> hold.endedAt(now)).toList();
  }

  public List<Hold> all() {
    return new ArrayList<>(byChannel.values());
  }
}
