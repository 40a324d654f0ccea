package energy.dispatch.launcher.fault;

import energy.dispatch.launcher.fault.FaultSystem.CloudNode;
import energy.dispatch.launcher.fault.FaultSystem.EdgeSite;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shape most fault tests share: a broker, a cloud node and one edge with its simulated site, as
 * separate processes on one PostgreSQL and one Redis, and the audit to check every command against.
 * A test class starts the parts in its own {@code @BeforeAll} through {@link #startParts}, with the
 * settings it needs; they stop after its last test. Test classes run one after another, so the
 * parts can be static.
 */
@Tag("fault")
abstract class OneSiteFaultTest {

  /** How long an edge may take to be seen online (or offline) by the cloud on a loaded machine. */
  static final Duration PRESENCE = Duration.ofSeconds(30);

  @TempDir
  static Path folder;
  static FaultSystem system;
  static EdgeSite site;
  static CloudNode node;
  static CommandAudit audit;

  /**
   * Registers the edge, then starts the broker and the cloud node {@code node-1}; the edge's agent
   * process is created, not started.
   *
   * @param viaProxy whether the edge reaches the broker through a link the test can cut
   */
  static void startParts(FaultSystem created, String edgeId, boolean viaProxy) {
    system = created;
    site = system.addEdge(edgeId, viaProxy);
    system.startBroker();
    node = system.startCloud("node-1");
    audit = new CommandAudit(system.database());
  }

  @AfterAll
  static void stopParts() {
    if (system != null) {
      system.close();
      system = null;
    }
  }
}
