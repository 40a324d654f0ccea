package energy.dispatch.edge.command;

/** A clock that never jumps (unlike the wall clock), for deadlines counted from receipt. */
@FunctionalInterface
public interface MonotonicClock {

  long nanos();

  static MonotonicClock system() {
    return System::nanoTime;
  }
}
