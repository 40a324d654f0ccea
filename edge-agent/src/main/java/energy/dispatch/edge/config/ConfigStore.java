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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good capability config on local disk, so the edge starts and runs without the cloud.
 * A new config is written beside the file and synced before it is applied, and renamed over the
 * file only once it is in force, so the file always holds a config that was in force. Thread-safe
 * for one writer.
 */
public final class ConfigStore {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);

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

  /**
   * Writes a config that already passed validation beside the file, synced; {@link Staged#commit}
   * then puts it in the file's place, once the config is in force.
   */
  public Staged stage(JsonNode document) throws IOException {
    Path temporary = path.resolveSibling(path.getFileName() + ".new");
    Files.write(temporary, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(document));
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    return new Staged(temporary);
  }

  /** A new config written beside the file and not yet in its place. */
  public final class Staged {

    private final Path temporary;

    private Staged(Path temporary) {
      this.temporary = temporary;
    }

    /** Replaces the file atomically: a crash leaves the old file or the new one. */
    public void commit() throws IOException {
      Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Forgets the new config; the file stays as it was. */
    public void discard() {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException e) {
        // Harmless: the next stage overwrites it, and a start never reads it.
        LOG.warn("Could not delete the unused config {}: {}", temporary, e.getMessage());
      }
    }
  }
}
