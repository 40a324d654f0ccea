package energy.dispatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SiteModelTest {

  @ParameterizedTest(name = "setpoint {0} W at {1} % (reserve {2} %) runs at {3} W")
  @CsvSource({
      // setpoint, soc, reserve, expected battery power
      "50000,    50,  0,  50000",
      "150000,   50,  0,  100000",
      "-150000,  50,  0,  -100000",
      "-30000,   50,  0,  -30000",
      "50000,    100, 0,  0",
      "-50000,   100, 0,  -50000",
      "-50000,   0,   0,  0",
      "50000,    0,   0,  50000",
      "-50000,   20,  20, 0",
      "-50000,   21,  20, -50000",
      "0,        50,  0,  0",
  })
  void battery_power_is_the_setpoint_within_power_and_state_of_charge_limits(
      double setpointWatts, double socPercent, double reservePercent, double expectedWatts) {
    SiteModel site = new SiteModel(200_000, 100_000, 100_000, socPercent);
    site.setSocReservePercent(reservePercent);
    site.setSetpointWatts(setpointWatts);

    assertThat(site.batteryPowerWatts()).isEqualTo(expectedWatts);
    assertThat(site.setpointWatts()).isEqualTo(setpointWatts);
  }

  @ParameterizedTest(name = "{0} W for {1} from {2} % ends at {3} %")
  @CsvSource({
      "50000,   PT1H,   50, 75",
      "-50000,  PT1H,   50, 25",
      "100000,  PT2H,   50, 100",
      "-100000, PT2H,   50, 0",
      "50000,   PT36S,  50, 50.25",
      "0,       PT10H,  50, 50",
  })
  void state_of_charge_integrates_battery_power_and_stops_at_its_bounds(
      double setpointWatts, Duration step, double fromPercent, double expectedPercent) {
    SiteModel site = new SiteModel(200_000, 100_000, 100_000, fromPercent);
    site.setSetpointWatts(setpointWatts);

    site.advance(step);

    assertThat(site.socPercent()).isCloseTo(expectedPercent, within(1e-9));
  }

  @Test
  void discharge_stops_at_the_reserve() {
    SiteModel site = new SiteModel(100_000, 100_000, 100_000, 30);
    site.setSocReservePercent(20);
    site.setSetpointWatts(-100_000);

    site.advance(Duration.ofHours(1));

    assertThat(site.socPercent()).isEqualTo(20);
    assertThat(site.batteryPowerWatts()).isZero();
  }

  @ParameterizedTest(name = "load {0} W, pv {1} W, battery {2} W: grid {3} W")
  @CsvSource({
      "40000, 15000, 0,      25000",
      "40000, 15000, 50000,  75000",
      "40000, 15000, -50000, -25000",
      "0,     30000, 0,      -30000",
  })
  void grid_power_is_load_minus_pv_plus_battery(double load, double pv, double battery, double grid) {
    SiteModel site = new SiteModel(200_000, 100_000, 100_000, 50);
    site.setLoadWatts(load);
    site.setPvWatts(pv);
    site.setSetpointWatts(battery);

    assertThat(site.gridPowerWatts()).isEqualTo(grid);
  }

  @Test
  void pv_limit_curtails_production_to_a_share_of_rated_power() {
    SiteModel site = SiteModel.demo();
    site.setPvWatts(80_000);
    site.setPvLimitPercent(50);

    assertThat(site.pvWatts()).isEqualTo(50_000);
    assertThat(site.pvAvailableWatts()).isEqualTo(80_000);
  }

  @Test
  void demo_site_imports_25_kilowatts_while_the_battery_idles() {
    SiteModel site = SiteModel.demo();

    assertThat(site.gridPowerWatts()).isEqualTo(25_000);
    assertThat(site.socPercent()).isEqualTo(50);
  }

  @Test
  void state_of_charge_outside_0_to_100_is_refused() {
    SiteModel site = SiteModel.demo();

    assertThatThrownBy(() -> site.setSocPercent(101)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("socPercent").hasMessageContaining("101");
    assertThatThrownBy(() -> site.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }
}
