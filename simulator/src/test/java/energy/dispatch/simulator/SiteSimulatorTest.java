package energy.dispatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.ModbusSlaveException;
import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator over real Modbus TCP, read and written with j2mod's own master. */
class SiteSimulatorTest {

  private static final int BATTERY = 1;
  private static final int GRID = 2;
  private static final int PV = 3;
  private static final int LOAD = 4;

  private SiteSimulator simulator;
  private ModbusTCPMaster master;

  @BeforeEach
  void start() throws Exception {
    simulator = SiteSimulator.start(0, SiteModel.demo());
    master = connect(2000);
  }

  @AfterEach
  void stop() {
    master.disconnect();
    simulator.close();
  }

  @Test
  void serves_the_battery_register_map_of_the_demo_config() throws Exception {
    int[] words = read(BATTERY, 0, 9);

    assertThat(int32(words[0], words[1])).as("SetActivePower").isZero();
    assertThat(int32(words[2], words[3])).as("ActivePower").isZero();
    assertThat(words[4]).as("Soc x0.1").isEqualTo(500);
    assertThat(int32(words[5], words[6])).as("CapacityWh").isEqualTo(200_000);
    assertThat(words[7]).as("MaxChargePower x10").isEqualTo(10_000);
    assertThat(words[8]).as("MaxDischargePower x10").isEqualTo(10_000);
  }

  @Test
  void serves_grid_pv_and_load_power_on_their_own_unit_ids() throws Exception {
    int[] grid = readInput(GRID, 0, 2);
    int[] pv = read(PV, 0, 2);
    int[] load = read(LOAD, 0, 2);

    assertThat(int32(grid[0], grid[1])).isEqualTo(25_000);
    assertThat(int32(pv[0], pv[1])).isEqualTo(15_000);
    assertThat(int32(load[0], load[1])).isEqualTo(40_000);
  }

  @Test
  void charge_setpoint_of_50_kilowatts_charges_the_battery_and_raises_grid_import() throws Exception {
    write(BATTERY, 0, 0, 50_000);

    int[] battery = read(BATTERY, 2, 2);
    assertThat(int32(battery[0], battery[1])).isEqualTo(50_000);
    int[] grid = readInput(GRID, 0, 2);
    assertThat(int32(grid[0], grid[1])).isEqualTo(75_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> simulator.model().socPercent() > 50);
  }

  @Test
  void state_of_charge_register_follows_the_battery_in_real_time() throws Exception {
    SiteModel smallBattery = new SiteModel(10_000, 100_000, 100_000, 50);   // 50 kW moves it 0.14 %/s
    try (SiteSimulator small = SiteSimulator.start(0, smallBattery)) {
      ModbusTCPMaster client = new ModbusTCPMaster("127.0.0.1", small.port(), 2000, false);
      client.connect();
      try {
        client.writeMultipleRegisters(BATTERY, 0, new Register[] {new SimpleRegister(0), new SimpleRegister(50_000)});
        await().atMost(Duration.ofSeconds(10))
            .until(() -> client.readMultipleRegisters(BATTERY, 4, 1)[0].getValue() > 500);
      } finally {
        client.disconnect();
      }
    }
  }

  @Test
  void negative_setpoint_is_twos_complement_and_discharges() throws Exception {
    int bits = -100_000;
    write(BATTERY, 0, bits >>> 16, bits & 0xFFFF);

    assertThat(simulator.model().setpointWatts()).isEqualTo(-100_000);
    int[] discharge = read(BATTERY, 10, 2);
    assertThat(int32(discharge[0], discharge[1])).as("DischargePower counts discharge positive").isEqualTo(100_000);
    await().atMost(Duration.ofSeconds(10)).until(() -> simulator.model().socPercent() < 50);
  }

  @Test
  void records_the_function_code_of_accepted_writes_per_register() throws Exception {
    write(BATTERY, 0, 0, 1000);
    write(BATTERY, 0, 0, 2000);

    assertThat(simulator.writeCount(BATTERY, 0)).isEqualTo(2);
    assertThat(simulator.writeFunctionCodes(BATTERY, 1)).containsExactly(16, 16);
    assertThat(simulator.writeCount(BATTERY, 2)).isZero();
    assertThat(simulator.requestCount()).isEqualTo(2);
  }

  @Test
  void single_register_write_sets_reactive_power() throws Exception {
    master.writeSingleRegister(BATTERY, 9, new SimpleRegister(0x10000 - 1200));

    assertThat(simulator.model().reactiveSetpointVar()).isEqualTo(-1200);
    assertThat(simulator.writeFunctionCodes(BATTERY, 9)).containsExactly(6);
  }

  @Test
  void float_reserve_above_address_32767_is_little_word_order() throws Exception {
    int bits = Float.floatToIntBits(12.5f);
    master.writeMultipleRegisters(BATTERY, 40000,
        new Register[] {new SimpleRegister(bits & 0xFFFF), new SimpleRegister(bits >>> 16)});

    assertThat(simulator.model().socReservePercent()).isEqualTo(12.5);
    int[] words = read(BATTERY, 40000, 2);
    assertThat(Float.intBitsToFloat((words[1] << 16) | words[0])).isEqualTo(12.5f);
  }

  @Test
  void pv_serves_sunspec_value_and_scale_factor_pairs() throws Exception {
    int[] power = read(PV, 40083, 2);
    assertThat((short) power[0] * Math.pow(10, (short) power[1])).isEqualTo(15_000);

    master.writeSingleRegister(PV, 40087, new SimpleRegister(100));
    int[] limit = read(PV, 40087, 2);

    assertThat((short) limit[1]).as("WMaxLimPct_SF").isEqualTo((short) -1);
    assertThat(simulator.model().pvLimitPercent()).isEqualTo(10.0);
  }

  @Test
  void pv_marks_the_cabinet_temperature_it_lacks_as_sunspec_not_implemented() throws Exception {
    assertThat(read(PV, 40085, 1)).containsExactly(0x8000);
  }

  @Test
  void failed_write_answers_the_requested_exception_code_and_changes_nothing() throws Exception {
    simulator.failNextWrite(4);

    assertThatThrownBy(() -> write(BATTERY, 0, 0, 50_000))
        .isInstanceOfSatisfying(ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(4));
    assertThat(simulator.model().setpointWatts()).isZero();
    assertThat(simulator.writeCount(BATTERY, 0)).isZero();

    write(BATTERY, 0, 0, 50_000);
    assertThat(simulator.model().setpointWatts()).isEqualTo(50_000);
  }

  @Test
  void measurements_refuse_writes_with_illegal_data_address() {
    assertThatThrownBy(() -> write(GRID, 0, 0, 1))
        .isInstanceOfSatisfying(ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(2));
  }

  @Test
  void grid_meter_keeps_its_power_in_input_registers_only() {
    assertThatThrownBy(() -> read(GRID, 0, 2)).as("function code 3")
        .isInstanceOfSatisfying(ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(2));
    assertThatThrownBy(() -> readInput(BATTERY, 0, 2)).as("the battery has no input registers")
        .isInstanceOfSatisfying(ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(2));
  }

  @Test
  void unmapped_address_answers_illegal_data_address() {
    assertThatThrownBy(() -> read(BATTERY, 12, 1))
        .isInstanceOfSatisfying(ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(2));
  }

  @Test
  void unknown_unit_id_answers_gateway_target_failed_to_respond() {
    assertThatThrownBy(() -> read(9, 0, 1))
        .isInstanceOfSatisfying(ModbusSlaveException.class, e -> assertThat(e.getType()).isEqualTo(0x0B));
  }

  @Test
  void stopped_simulator_drops_connections_and_returns_on_the_same_port() throws Exception {
    int port = simulator.port();

    simulator.stop();

    assertThatThrownBy(() -> read(BATTERY, 4, 1)).isInstanceOf(ModbusException.class);
    assertThat(simulator.running()).isFalse();
    simulator.start();
    assertThat(simulator.port()).isEqualTo(port);
    master.disconnect();
    master = connect(2000);
    assertThat(read(BATTERY, 4, 1)[0]).isEqualTo(500);
  }

  @Test
  void slow_simulator_answers_after_the_delay() throws Exception {
    simulator.setResponseDelay(Duration.ofSeconds(2));
    ModbusTCPMaster impatient = connect(200);
    try {
      assertThatThrownBy(() -> impatient.readMultipleRegisters(BATTERY, 4, 1)).isInstanceOf(ModbusException.class);
    } finally {
      impatient.disconnect();
    }
    simulator.setResponseDelay(Duration.ZERO);
    assertThat(read(BATTERY, 4, 1)[0]).isEqualTo(500);
  }

  @Test
  void port_taken_is_a_clear_error_naming_the_port() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> SiteSimulator.start(port, SiteModel.demo()))
          .isInstanceOf(IOException.class).hasMessageContaining(String.valueOf(port));
    }
  }

  private ModbusTCPMaster connect(int timeoutMillis) throws Exception {
    ModbusTCPMaster client = new ModbusTCPMaster("127.0.0.1", simulator.port(), timeoutMillis, false);
    client.setRetries(0);
    client.connect();
    return client;
  }

  private int[] read(int unitId, int address, int count) throws ModbusException {
    Register[] registers = master.readMultipleRegisters(unitId, address, count);
    int[] words = new int[registers.length];
    for (int i = 0; i < registers.length; i++) {
      words[i] = registers[i].getValue();
    }
    return words;
  }

  private int[] readInput(int unitId, int address, int count) throws ModbusException {
    return Arrays.stream(master.readInputRegisters(unitId, address, count)).mapToInt(InputRegister::getValue).toArray();
  }

  private void write(int unitId, int address, int high, int low) throws ModbusException {
    master.writeMultipleRegisters(unitId, address, new Register[] {new SimpleRegister(high), new SimpleRegister(low)});
  }

  private static int int32(int high, int low) {
    return (high << 16) | low;
  }
}
