package energy.dispatch.cloud.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which failed writes are worth trying again: the record away, not the write wrong. */
class RecordUnavailableTest {

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("connection refused", new SQLException("refused", "08001"), true),
        Arguments.of("server shut down", new SQLException("terminating", "57P01"), true),
        Arguments.of("server starting up", new SQLException("starting", "57P03"), true),
        Arguments.of("too many connections", new SQLException("too many", "53300"), true),
        Arguments.of("deadlock", new SQLException("deadlock", "40P01"), true),
        Arguments.of("pool timed out", new SQLTransientConnectionException("no connection within 30 s"), true),
        Arguments.of("writer saturated", new RejectedExecutionException("saturated"), true),
        Arguments.of("wrapped twice", new CompletionException(new RuntimeException(new SQLException("x", "08006"))),
            true),
        Arguments.of("unique violation", new SQLException("duplicate", "23505"), false),
        Arguments.of("undefined table", new SQLException("no table", "42P01"), false),
        Arguments.of("no state", new SQLException("odd"), false),
        Arguments.of("a bug", new NullPointerException(), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void tells_a_record_away_from_a_write_that_would_fail_again(String name, Throwable error, boolean unavailable) {
    assertThat(RecordUnavailable.causedBy(error)).isEqualTo(unavailable);
  }
}
