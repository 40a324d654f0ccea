package energy.dispatch.edge.config;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The last good capability config on local disk, so the edge starts and runs without the cloud.
 * A new config replaces the file atomically (written beside it, synced, then renamed), so a crash
 * leaves either the old or the new one. Thread-safe for one writer.
 */
public final class ConfigStore {

  private final Path path;

  public ConfigStore(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /**
   * Reads and validates the config file of edge {@code edgeId}.
   *
   * @throws IllegalStateException naming the file and every problem, when it is missing, invalid or
   *     another edge's
   */
  public CapabilityConfig load(String edgeId) {
    CapabilityConfig config = load();
    if (!config.edgeId().equals(edgeId)) {
      throw new IllegalStateException("the capability config " + path + " is for edge " + config.edgeId()
          + ", not " + edgeId + "; point the edge at its own config file");
    }
    return config;
  }

  private CapabilityConfig load() {
    JsonNode document;
    try {
      document = Json.mapper().readTree(path.toFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the capability config " + path + ": " + e.getMessage()
          + "; give the edge a valid config file (see config/sites/)", e);
    }
    try {
      return CapabilityConfig.parse(document);
    } catch (CapabilityConfig.InvalidConfigException e) {
      throw new IllegalStateException("the capability config " + path + " is invalid: " + e.getMessage(), e);
    }
  }

  /** Replaces the file with a config that already passed validation. */
  public void save(JsonNode document) throws IOException {
    Path temporary = path.resolveSibling(path.getFileName() + ".new");
    Files.write(temporary, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(document));
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
