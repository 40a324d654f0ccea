package energy.dispatch.cloud.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energy.dispatch.schema.CapabilityConfig;
import energy.dispatch.schema.Command;
import energy.dispatch.schema.CommandValidator;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapabilityCheckTest {

  private static CapabilityConfig site;

  @BeforeAll
  static void readSite() throws Exception {
    site = CapabilityConfig.parse(Json.mapper().readTree(Files.readString(Path.of("..", "config", "sites",
        "site1_edge_prod.json"))));
  }

  private static Command command(String json) throws Exception {
    return CommandParser.toCommand(Json.mapper().readTree(json.replace('\'', '"')));
  }

  private static String setpoint(String device, String channel, String value, String unit) {
    return "{'command_id':'c1','command_type':'setpoint','target':{'edge_id':'site1_edge_prod','device_id':'" + device
        + "','channel':'" + channel + "'},'value':" + value + (unit.isEmpty() ? "" : ",'unit':'" + unit + "'") + "}";
  }

  @ParameterizedTest(name = "{0}/{1} = {2} {3} -> {4}")
  @CsvSource({
      "bms_main,   SetActivePower,   50000,   W,  ",
      "bms_main,   SetActivePower,   -100000, W,  ",
      "bms_main,   SetActivePower,   null,    '', ",
      "bms_main,   SetActivePower,   100001,  W,  out_of_range",
      "bms_main,   SetActivePower,   -100001, '', out_of_range",
      "bms_main,   SetActivePower,   500,     kW, wrong_unit",
      "bms_spare,  SetActivePower,   1,       W,  unknown_device",
      "bms_main,   SetFrequency, 1,       W,  unknown_channel",
      "bms_main,   Soc,              1,       '', channel_not_writable",
      "grid_meter, ActivePower,      1,       W,  channel_not_writable"})
  void setpoints_are_checked_like_the_edge_checks_them(String device, String channel, String value, String unit,
      String expectedCode) throws Exception {
    Command command = command(setpoint(device, channel, value, unit));

    if (expectedCode == null) {
      assertThatCode(() -> CapabilityCheck.check(command, site)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> CapabilityCheck.check(command, site)).isInstanceOf(RefusalException.class)
          .extracting(e -> ((RefusalException) e).error().code()).isEqualTo(expectedCode);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{'command_id':'m','command_type':'mode_change','target':{'edge_id':'e','controller':'peak_shaving'},'value':'on'}|",
      "{'command_id':'m','command_type':'mode_change','target':{'edge_id':'e','controller':'peak_shaving'},'value':'turbo'}|unknown_mode",
      "{'command_id':'m','command_type':'mode_change','target':{'edge_id':'e','controller':'frequency'},'value':'on'}|unknown_controller",
      "{'command_id':'o','command_type':'config_override','target':{'edge_id':'e','controller':'peak_shaving','parameter':'PeakLimit'},'value':40000,'unit':'W','duration_sec':60}|",
      "{'command_id':'o','command_type':'config_override','target':{'edge_id':'e','controller':'peak_shaving','parameter':'PeakLimit'},'value':-5,'unit':'W','duration_sec':60}|out_of_range",
      "{'command_id':'o','command_type':'config_override','target':{'edge_id':'e','controller':'peak_shaving','parameter':'Nope'},'value':5,'duration_sec':60}|unknown_parameter",
      "{'command_id':'s','command_type':'scheduler','target':{'edge_id':'e','controller':'balancing'},'value':'start'}|",
      "{'command_id':'y','command_type':'system','target':{'edge_id':'e'},'value':'sync_config'}|"})
  void controller_commands_are_checked_against_the_declared_controllers(String json, String expectedCode)
      throws Exception {
    Command command = command(json);

    if (expectedCode == null) {
      assertThatCode(() -> CapabilityCheck.check(command, site)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> CapabilityCheck.check(command, site)).isInstanceOf(RefusalException.class)
          .extracting(e -> ((RefusalException) e).error().code()).isEqualTo(expectedCode);
    }
  }

  /** A controller that declares no modes and one with a string parameter: shapes the demo sites lack. */
  private static final String UNUSUAL_SITE = """
      {"edge_id": "e", "version": 1,
       "devices": [{"device_id": "bms", "host": "127.0.0.1", "port": 502, "unit_id": 1, "channels": []}],
       "controllers": [
         {"name": "balancing", "kind": "balancing"},
         {"name": "peak_shaving", "kind": "peak_shaving", "modes": ["off", "on"],
          "parameters": {"PeakLimit": {"value": 50000, "unit": "W", "min": 0, "max": 1000000},
                         "Strategy": {"value": "flat"}}}]}""";

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{'command_id':'m','command_type':'mode_change','target':{'edge_id':'e','controller':'balancing'},'value':'on'}|unknown_mode",
      "{'command_id':'m','command_type':'mode_change','target':{'edge_id':'e','controller':'peak_shaving'},'value':'on'}|",
      "{'command_id':'o','command_type':'config_override','target':{'edge_id':'e','controller':'peak_shaving','parameter':'PeakLimit'},'value':'abc','duration_sec':60}|out_of_range",
      "{'command_id':'o','command_type':'config_override','target':{'edge_id':'e','controller':'peak_shaving','parameter':'Strategy'},'value':5,'duration_sec':60}|out_of_range",
      "{'command_id':'o','command_type':'config_override','target':{'edge_id':'e','controller':'peak_shaving','parameter':'Strategy'},'value':'steep','duration_sec':60}|"})
  void commands_the_edge_would_reject_are_refused_by_the_cloud_too(String json, String expectedCode)
      throws Exception {
    CapabilityConfig unusual = CapabilityConfig.parse(Json.mapper().readTree(UNUSUAL_SITE));
    Command command = command(json);

    Optional<String> edgeVerdict = new CommandValidator().validate(command, unusual).map(ErrorDetail::code);
    Optional<String> cloudVerdict = refusalCode(() -> CapabilityCheck.check(command, unusual));

    assertThat(cloudVerdict).isEqualTo(Optional.ofNullable(expectedCode)).isEqualTo(edgeVerdict);
  }

  private static Optional<String> refusalCode(Runnable check) {
    try {
      check.run();
      return Optional.empty();
    } catch (RefusalException e) {
      assertThat(e.getMessage()).isNotBlank();
      return Optional.of(e.error().code());
    }
  }
}
