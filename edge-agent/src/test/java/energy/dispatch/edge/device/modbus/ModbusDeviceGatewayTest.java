package energy.dispatch.edge.device.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.edge.device.DeviceException;
import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Json;
import energy.dispatch.simulator.SiteModel;
import energy.dispatch.simulator.SiteSimulator;
import energy.dispatch.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway against a real simulated site over Modbus TCP, with the demo site's capability config. */
class ModbusDeviceGatewayTest {

  private static final ModbusDeviceGateway.Settings FAST = new ModbusDeviceGateway.Settings(
      Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofMillis(20), Duration.ofMillis(200));

  private SiteSimulator simulator;
  private ModbusDeviceGateway gateway;

  @BeforeEach
  void startSite() throws IOException {
    simulator = SiteSimulator.start(0, SiteModel.demo());
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), node -> { }), FAST);
  }

  @AfterEach
  void stopSite() {
    gateway.close();
    simulator.close();
  }

  @Test
  void charge_setpoint_of_50_kilowatts_is_written_and_confirmed() throws DeviceException {
    double applied = gateway.write("bms_main", "SetActivePower", 50_000);

    assertThat(applied).isEqualTo(50_000);
    assertThat(simulator.model().setpointWatts()).isEqualTo(50_000);
    assertThat(simulator.writeCount(1, 0)).isEqualTo(1);
    assertThat(gateway.read("bms_main", "ActivePower")).isEqualTo(50_000);
    assertThat(gateway.read("grid_meter", "ActivePower")).isEqualTo(75_000);
  }

  @Test
  void discharge_setpoint_is_written_as_twos_complement() throws DeviceException {
    double applied = gateway.write("bms_main", "SetActivePower", -30_000);

    assertThat(applied).isEqualTo(-30_000);
    assertThat(simulator.register(1, 0)).isEqualTo(0xFFFF);
    assertThat(simulator.register(1, 1)).isEqualTo(0x10000 - 30_000);
    assertThat(gateway.read("bms_main", "ActivePower")).isEqualTo(-30_000);
  }

  @Test
  void device_counting_discharge_positive_is_converted_by_its_sign() throws DeviceException {
    gateway.write("bms_main", "SetActivePower", -30_000);

    assertThat(simulator.register(1, 11)).as("the device's own register says +30000").isEqualTo(30_000);
    assertThat(gateway.read("bms_main", "DischargePower")).isEqualTo(-30_000);
  }

  @Test
  void function_code_6_channel_writes_a_single_register() throws DeviceException {
    double applied = gateway.write("bms_main", "SetReactivePower", -1200);

    assertThat(applied).isEqualTo(-1200);
    assertThat(simulator.model().reactiveSetpointVar()).isEqualTo(-1200);
    assertThat(simulator.writeFunctionCodes(1, 9)).as("write single register").containsExactly(6);
  }

  @Test
  void function_code_16_channel_writes_multiple_registers() throws DeviceException {
    double applied = gateway.write("bms_main", "SetActivePower", 1_000);

    assertThat(applied).isEqualTo(1_000);
    assertThat(simulator.writeFunctionCodes(1, 0)).as("write multiple registers").containsExactly(16);
    assertThat(simulator.writeFunctionCodes(1, 1)).containsExactly(16);
  }

  @Test
  void float32_little_word_order_channel_above_address_32767_round_trips() throws DeviceException {
    double applied = gateway.write("bms_main", "SocReserve", 12.5);

    assertThat(applied).isEqualTo(12.5);
    assertThat(simulator.model().socReservePercent()).isEqualTo(12.5);
    assertThat(simulator.register(1, 40001)).as("high word second").isEqualTo(0x4148);
    assertThat(gateway.read("bms_main", "SocReserve")).isEqualTo(12.5);
  }

  @Test
  void sunspec_value_is_scaled_by_its_scale_factor_register() throws DeviceException {
    assertThat(gateway.read("pv_inverter", "AcPower")).isEqualTo(15_000);

    double applied = gateway.write("pv_inverter", "PowerLimitPercent", 12.3);

    assertThat(applied).isEqualTo(12.3);
    assertThat(simulator.register(3, 40087)).isEqualTo(123);
    assertThat(simulator.model().pvLimitPercent()).isEqualTo(12.3);
    assertThat(gateway.read("pv_inverter", "AcPower")).isEqualTo(12_300);
  }

  @Test
  void read_all_returns_every_readable_channel_in_engineering_units() {
    assertThat(gateway.readAll()).contains(
        entry("bms_main/SetActivePower", 0.0),
        entry("bms_main/Soc", 50.0),
        entry("bms_main/CapacityWh", 200_000.0),
        entry("bms_main/MaxChargePower", 100_000.0),
        entry("bms_main/MaxDischargePower", 100_000.0),
        entry("grid_meter/ActivePower", 25_000.0),
        entry("pv_inverter/ActivePower", 15_000.0),
        entry("pv_inverter/AcPower", 15_000.0),
        entry("pv_inverter/PowerLimitPercent", 100.0),
        entry("site_load/ActivePower", 40_000.0));
  }

  @Test
  void meter_keeping_its_power_in_input_registers_is_read_with_function_code_4() throws Exception {
    assertThat(gateway.read("grid_meter", "ActivePower")).isEqualTo(25_000);

    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), config -> registerKindOf(config, "holding")), FAST);

    expectError(() -> gateway.read("grid_meter", "ActivePower"), "modbus_exception:02", "holding register 0");
  }

  @Test
  void read_all_reads_adjacent_registers_of_a_device_in_one_request() {
    long before = simulator.requestCount();

    gateway.readAll();

    // bms_main 0-11 and 40000; grid_meter; pv_inverter 0-1, 40083-40084, 40087-40088; site_load
    assertThat(simulator.requestCount() - before).isEqualTo(7);
  }

  @Test
  void sunspec_not_implemented_value_is_no_value_and_left_out_of_the_inputs() throws IOException {
    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), config -> cabinetTemperature(config, true)), FAST);

    assertThat(gateway.readAll()).doesNotContainKey("pv_inverter/CabinetTemperature")
        .containsEntry("pv_inverter/AcPower", 15_000.0).containsEntry("site_load/ActivePower", 40_000.0);
    expectError(() -> gateway.read("pv_inverter", "CabinetTemperature"), "value_not_implemented",
        "pv_inverter", "CabinetTemperature", "register 40085");
  }

  @Test
  void sunspec_marker_is_a_number_where_the_channel_does_not_declare_it() throws Exception {
    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), config -> cabinetTemperature(config, false)), FAST);

    assertThat(gateway.readAll()).containsEntry("pv_inverter/CabinetTemperature", -3276.8);
    assertThat(gateway.read("pv_inverter", "CabinetTemperature")).isEqualTo(-3276.8);
  }

  @Test
  void value_beyond_the_channel_limits_is_refused_before_any_write() {
    expectError(() -> gateway.write("bms_main", "SetActivePower", 150_000), "out_of_range", "150000", "100000");

    assertThat(simulator.writeCount(1, 0)).isZero();
  }

  @Test
  void value_beyond_the_register_range_is_refused_before_any_write() throws IOException {
    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), withoutLimits("SetReactivePower")), FAST);

    expectError(() -> gateway.write("bms_main", "SetReactivePower", 40_000), "out_of_range", "40000", "-32768..32767");

    assertThat(simulator.writeCount(1, 9)).isZero();
  }

  @Test
  void value_the_device_does_not_keep_is_a_readback_mismatch() throws IOException {
    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), withoutLimits("SocReserve")), FAST);

    expectError(() -> gateway.write("bms_main", "SocReserve", 150), "readback_mismatch", "150", "reads back 0");
  }

  @Test
  void modbus_exception_fails_the_write_with_its_code() {
    simulator.failNextWrite(4);

    expectError(() -> gateway.write("bms_main", "SetActivePower", 50_000), "modbus_exception:04",
        "server device failure", "bms_main");

    assertThat(simulator.model().setpointWatts()).isZero();
    assertThat(gateway.unreachableReason("bms_main")).as("an exception is an answer").isEmpty();
  }

  @Test
  void unit_missing_behind_the_gateway_answers_exception_11() throws IOException {
    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), config -> unitOf(config, "site_load", 9)), FAST);

    expectError(() -> gateway.read("site_load", "ActivePower"), "modbus_exception:11", "unit_id");
  }

  @Test
  void unusable_scale_factor_register_is_an_invalid_config() throws IOException {
    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), config -> scaleRegisterOf(config, 1)), FAST);

    expectError(() -> gateway.read("pv_inverter", "AcPower"), "invalid_config", "scale_register");
  }

  @Test
  void channel_the_device_refuses_is_left_out_of_read_all_and_the_rest_is_read() throws IOException {
    gateway.close();
    gateway = new ModbusDeviceGateway(siteConfig(simulator.port(), config -> registerOf(config, "Soc", 12)), FAST);

    Map<String, Double> values = gateway.readAll();

    assertThat(values).doesNotContainKey("bms_main/Soc").containsEntry("bms_main/CapacityWh", 200_000.0)
        .containsEntry("site_load/ActivePower", 40_000.0);
    expectError(() -> gateway.read("bms_main", "Soc"), "modbus_exception:02", "illegal data address", "register 12");
  }

  @Test
  void settings_without_a_timeout_are_refused() {
    assertThatThrownBy(() -> new ModbusDeviceGateway.Settings(Duration.ZERO, Duration.ofSeconds(1),
        Duration.ofMillis(100), Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> new ModbusDeviceGateway.Settings(Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofMillis(100))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff");
  }

  @Test
  void config_errors_name_device_and_channel() {
    expectError(() -> gateway.write("bms_spare", "SetActivePower", 1), "unknown_device", "bms_spare");
    assertThat(gateway.unreachableReason("bms_spare")).hasValue("no device bms_spare in the capability config");
    expectError(() -> gateway.write("bms_main", "Nope", 1), "unknown_channel", "Nope");
    expectError(() -> gateway.write("bms_main", "Soc", 1), "channel_not_writable", "bms_main/Soc");
  }

  @Test
  void write_only_channel_is_written_without_read_back_and_cannot_be_read() throws Exception {
    gateway.close();
    gateway = new ModbusDeviceGateway(
        siteConfig(simulator.port(), config -> accessOf(config, "SetActivePower", "write")), FAST);

    assertThat(gateway.write("bms_main", "SetActivePower", 40_000)).isEqualTo(40_000);
    assertThat(simulator.model().setpointWatts()).isEqualTo(40_000);
    expectError(() -> gateway.read("bms_main", "SetActivePower"), "unknown_channel", "write-only");
    assertThat(gateway.readAll()).doesNotContainKey("bms_main/SetActivePower");
  }

  @Test
  void concurrent_callers_on_one_connection_each_get_their_own_answer() throws Exception {
    Map<String, Double> expected = Map.of("site_load", 40_000.0, "pv_inverter", 15_000.0, "grid_meter", 25_000.0);
    ExecutorService callers = Executors.newFixedThreadPool(expected.size());
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      expected.forEach((deviceId, watts) -> results.add(callers.submit(() -> {
        for (int i = 0; i < 50; i++) {
          if (gateway.read(deviceId, "ActivePower") != watts) {
            return false;
          }
        }
        return true;
      })));
      for (Future<Boolean> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void device_that_drops_is_unreachable_then_works_again_without_a_restart() throws Exception {
    gateway.write("bms_main", "SetActivePower", 10_000);

    simulator.stop();

    expectError(() -> gateway.write("bms_main", "SetActivePower", 20_000), "device_unreachable", "bms_main");
    expectError(() -> gateway.read("bms_main", "Soc"), "device_unreachable", "not connected");
    assertThat(gateway.unreachableReason("bms_main")).hasValueSatisfying(reason -> assertThat(reason)
        .contains("bms_main", "127.0.0.1:" + simulator.port()));
    assertThat(gateway.readAll()).isEmpty();

    simulator.start();

    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> gateway.write("bms_main", "SetActivePower", 20_000) == 20_000);
    assertThat(gateway.unreachableReason("bms_main")).isEmpty();
    assertThat(simulator.model().setpointWatts()).isEqualTo(20_000);
  }

  @Test
  void device_that_answers_late_fails_as_unreachable_and_recovers_when_it_speeds_up() {
    simulator.setResponseDelay(Duration.ofSeconds(3));

    expectError(() -> gateway.read("bms_main", "Soc"), "device_unreachable", "did not answer within 300 ms");
    assertThat(gateway.unreachableReason("bms_main")).isPresent();

    simulator.setResponseDelay(Duration.ZERO);
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> gateway.read("bms_main", "Soc") == 50.0);
    assertThat(gateway.unreachableReason("bms_main")).isEmpty();
  }

  @Test
  void device_down_at_start_is_connected_in_the_background_once_it_listens() throws IOException {
    int port = FreePorts.next();
    try (ModbusDeviceGateway early = new ModbusDeviceGateway(siteConfig(port, node -> { }), FAST)) {
      expectError(() -> early.read("bms_main", "Soc"), "device_unreachable", "127.0.0.1:" + port);
      assertThat(early.unreachableReason("bms_main")).isPresent();

      try (SiteSimulator late = SiteSimulator.start(port, SiteModel.demo())) {
        assertThat(late.port()).isEqualTo(port);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> early.read("bms_main", "Soc") == 50.0);
        assertThat(early.unreachableReason("bms_main")).isEmpty();
      }
    }
  }

  private static void expectError(ThrowingCallable call, String code, String... phrases) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DeviceException.class, e -> {
      assertThat(e.error().code()).isEqualTo(code);
      assertThat(e.getMessage()).contains(phrases);
    });
  }

  /** The demo config of site 1 with every device on the given port, changed further by {@code edit}. */
  static CapabilityConfig siteConfig(int port, Consumer<JsonNode> edit) throws IOException {
    JsonNode config = Json.mapper().readTree(Path.of("../config/sites/site1_edge_prod.json").toFile());
    config.get("devices").forEach(device -> ((ObjectNode) device).put("port", port));
    edit.accept(config);
    return CapabilityConfig.parse(config);
  }

  private static Consumer<JsonNode> withoutLimits(String channelName) {
    return config -> config.get("devices").forEach(device -> device.get("channels").forEach(channel -> {
      if (channel.get("name").asText().equals(channelName)) {
        ((ObjectNode) channel).remove("min");
        ((ObjectNode) channel).remove("max");
      }
    }));
  }

  private static void unitOf(JsonNode config, String deviceId, int unitId) {
    config.get("devices").forEach(device -> {
      if (device.get("device_id").asText().equals(deviceId)) {
        ((ObjectNode) device).put("unit_id", unitId);
      }
    });
  }

  private static void registerOf(JsonNode config, String channelName, int register) {
    config.get("devices").forEach(device -> device.get("channels").forEach(channel -> {
      if (channel.get("name").asText().equals(channelName)) {
        ((ObjectNode) channel).put("register", register);
      }
    }));
  }

  private static void accessOf(JsonNode config, String channelName, String access) {
    config.get("devices").forEach(device -> device.get("channels").forEach(channel -> {
      if (channel.get("name").asText().equals(channelName)) {
        ((ObjectNode) channel).put("access", access);
      }
    }));
  }

  /** Adds the PV inverter's cabinet temperature, which the simulated inverter marks as not implemented. */
  private static void cabinetTemperature(JsonNode config, boolean sunspecNotImplemented) {
    config.get("devices").forEach(device -> {
      if (device.get("device_id").asText().equals("pv_inverter")) {
        ((ArrayNode) device.get("channels")).addObject().put("name", "CabinetTemperature").put("register", 40085)
            .put("type", "int16").put("scale", 0.1).put("unit", "°C").put("access", "read")
            .put("sunspec_not_implemented", sunspecNotImplemented);
      }
    });
  }

  private static void registerKindOf(JsonNode config, String registerKind) {
    config.get("devices").forEach(device -> {
      if (device.get("device_id").asText().equals("grid_meter")) {
        device.get("channels").forEach(channel -> ((ObjectNode) channel).put("register_kind", registerKind));
      }
    });
  }

  private static void scaleRegisterOf(JsonNode config, int register) {
    config.get("devices").forEach(device -> device.get("channels").forEach(channel -> {
      if (channel.get("name").asText().equals("AcPower")) {
        ((ObjectNode) channel).put("scale_register", register);
      }
    }));
  }
}
