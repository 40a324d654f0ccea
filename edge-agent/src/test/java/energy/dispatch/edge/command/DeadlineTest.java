package energy.dispatch.edge.command;

import static org.assertj.core.api.Assertions.assertThat;

import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandType;
import energy.dispatch.schema.Target;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DESIGN.md section 3: expires_at when the clock is synchronised, the message expiry on the
 * monotonic clock, the earlier wins.
 */
class DeadlineTest {

  private static final Instant RECEIVED = Instant.parse("2026-02-15T14:30:00Z");
  private static final long RECEIVED_NANOS = 5_000_000_000L;

  static Stream<Arguments> cases() {
    return Stream.of(
        // expiresAt offset s, message expiry s, synchronised, seconds later, passed
        Arguments.of(60, null, true, 59, false),
        Arguments.of(60, null, true, 60, true),
        Arguments.of(60, null, false, 3600, false),
        Arguments.of(60, 30L, true, 31, true),
        Arguments.of(60, 120L, true, 61, true),
        Arguments.of(60, 30L, false, 31, true),
        Arguments.of(60, 30L, false, 29, false),
        Arguments.of(null, null, true, 1_000_000, false));
  }

  @ParameterizedTest(name = "expires_at +{0}s, message expiry {1}s, synchronised {2}, after {3}s -> passed {4}")
  @MethodSource("cases")
  void the_earlier_trusted_deadline_wins(
      Integer expiresInSec, Long messageExpirySec, boolean synchronised, long laterSec, boolean passed) {
    Command command = new Command("c", CommandType.SYSTEM, new Target("e", null, null, null, null), null, null,
        null, null, null, null, null, null, null, expiresInSec == null ? null : RECEIVED.plusSeconds(expiresInSec));
    Deadline deadline = Deadline.of(command,
        messageExpirySec == null ? OptionalLong.empty() : OptionalLong.of(messageExpirySec), RECEIVED_NANOS,
        synchronised);

    assertThat(deadline.passed(RECEIVED.plusSeconds(laterSec), RECEIVED_NANOS + laterSec * 1_000_000_000L))
        .isEqualTo(passed);
  }
}
