package energy.dispatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfrastructureTest {

  @TempDir
  Path dataFolder;

  /** Servers named in the environment: the lock is all that is under test, nothing is started or reached. */
  private final Map<String, String> servers = Map.of("DATABASE_URL", "postgresql://127.0.0.1:5432/not_reached",
      "REDIS_URL", "redis://127.0.0.1:6379");

  @Test
  void a_second_demo_on_the_same_data_folder_is_refused_before_it_touches_anything() {
    try (Infrastructure running = Infrastructure.start(servers, dataFolder)) {
      assertThatThrownBy(() -> Infrastructure.start(servers, dataFolder))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another demo is running on the data folder " + dataFolder)
          .hasMessageContaining("--data");
      assertThat(running.databaseUrl()).isEqualTo(servers.get("DATABASE_URL"));
    }
  }

  @Test
  void the_folder_is_free_again_once_the_demo_stopped() {
    Infrastructure.start(servers, dataFolder).close();

    try (Infrastructure again = Infrastructure.start(servers, dataFolder)) {
      assertThat(again.redisUrl()).isEqualTo(servers.get("REDIS_URL"));
    }
  }
}
