package energy.dispatch.cloud.support;

import energy.dispatch.cloud.CloudSettings;

import energy.dispatch.testing.TestPostgres;
import energy.dispatch.testing.TestRedis;
import java.util.Set;

/** Settings for a node on a fresh database and Redis prefix, any free HTTP port. */
public final class TestSettings {

  public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123";

  private TestSettings() {}

  public static CloudSettings.Builder fresh() {
    TestPostgres.Database database = TestPostgres.freshDatabase();
    return CloudSettings.builder()
        .httpPort(0)
        .jwtSecret(JWT_SECRET)
        .database(database.jdbcUrl(), database.user(), database.password())
        .redisUrl(TestRedis.url())
        .redisKeyPrefix(TestRedis.freshPrefix())
        .demoMode(true)
        .adminUserIds(Set.of("1"));
  }
}
