package energy.dispatch.launcher.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.edge.FaultPoints;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The settings of {@link FaultPoints}, read once per class load: each case loads the class afresh
 * in a class loader of its own, so that this JVM never arms a halt. The halts themselves are
 * proven by {@code EdgeKillTest}, in real agent processes.
 */
class FaultPointsTest {

  @AfterEach
  void clearSettings() {
    System.clearProperty(FaultPoints.HALT_AT_SETTING);
    System.clearProperty(FaultPoints.HALT_AFTER_N_SETTING);
  }

  @Test
  void without_settings_every_point_is_passed() throws Exception {
    Class<?> points = freshlyLoaded();

    for (String point : EdgeKillTrials.POINTS) {
      points.getMethod("reached", String.class).invoke(null, point);
    }
    assertThat(points.getName()).isEqualTo(FaultPoints.class.getName());
  }

  @Test
  void a_point_other_than_the_armed_one_is_passed() throws Exception {
    System.setProperty(FaultPoints.HALT_AT_SETTING, FaultPoints.AFTER_DEVICE_WRITE);
    Class<?> points = freshlyLoaded();

    points.getMethod("reached", String.class).invoke(null, FaultPoints.AFTER_RECEIPT);
    points.getMethod("reached", String.class).invoke(null, FaultPoints.BEFORE_ACK);
  }

  @Test
  void a_passage_count_that_is_not_a_positive_number_is_refused_naming_the_setting() {
    System.setProperty(FaultPoints.HALT_AT_SETTING, FaultPoints.AFTER_INTENT);
    System.setProperty(FaultPoints.HALT_AFTER_N_SETTING, "0");

    assertThatThrownBy(FaultPointsTest::freshlyLoaded)
        .isInstanceOf(ExceptionInInitializerError.class)
        .cause().isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(FaultPoints.HALT_AFTER_N_SETTING + "=0");
  }

  /** Loads and initialises FaultPoints itself anew; everything else comes from the test's class path. */
  private static Class<?> freshlyLoaded() throws ClassNotFoundException {
    ClassLoader isolated = new ClassLoader(FaultPointsTest.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.equals(FaultPoints.class.getName())) {
          return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
          Class<?> loaded = findLoadedClass(name);
          return loaded != null ? loaded : define(name);
        }
      }

      private Class<?> define(String name) throws ClassNotFoundException {
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          if (in == null) {
            throw new ClassNotFoundException(name);
          }
          byte[] bytes = in.readAllBytes();
          return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
    };
    return Class.forName(FaultPoints.class.getName(), true, isolated);
  }
}
