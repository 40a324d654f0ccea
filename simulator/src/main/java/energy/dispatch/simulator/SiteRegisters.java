package energy.dispatch.simulator;

import com.ghgande.j2mod.modbus.procimg.ProcessImage;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.util.Map;

/**
 * The register map of config/sites/*.json as j2mod process images, one per unit id. Only mapped
 * addresses exist: reading or writing any other answers exception 02, as a real device does.
 * Measurements are read-only; setpoints are plain holding registers whose written value the
 * simulator hands to the model. The grid meter, like many meters, keeps its measurement in input
 * registers (function code 4) and has no holding registers.
 *
 * <p>Not thread-safe: {@link SiteSimulator} serializes access.
 */
final class SiteRegisters {

  static final int BATTERY_UNIT = 1;
  static final int GRID_METER_UNIT = 2;
  static final int PV_UNIT = 3;
  static final int LOAD_UNIT = 4;

  // unit 1, bms_main
  static final int SET_ACTIVE_POWER = 0;
  static final int BATTERY_ACTIVE_POWER = 2;
  static final int SOC = 4;
  static final int CAPACITY_WH = 5;
  static final int MAX_CHARGE_POWER = 7;
  static final int MAX_DISCHARGE_POWER = 8;
  static final int SET_REACTIVE_POWER = 9;
  static final int DISCHARGE_POWER = 10;
  static final int SOC_RESERVE = 40000;
  // units 2, 3, 4: grid_meter (input registers), pv_inverter, site_load
  static final int ACTIVE_POWER = 0;
  // unit 3, pv_inverter: SunSpec-style value and scale-factor pairs (model 103 W/W_SF, model 123 WMaxLimPct)
  static final int PV_AC_POWER = 40083;
  static final int PV_AC_POWER_SF = 40084;
  /** SunSpec model 103 TmpCab, which this inverter lacks: it always holds the int16 not-implemented marker. */
  static final int PV_CABINET_TEMPERATURE = 40085;
  static final int PV_LIMIT_PERCENT = 40087;
  static final int PV_LIMIT_PERCENT_SF = 40088;

  private static final int AC_POWER_EXPONENT = 1;
  private static final int LIMIT_PERCENT_EXPONENT = -1;
  private static final int NOT_IMPLEMENTED_INT16 = 0x8000;

  private final Map<Integer, SimpleProcessImage> images = Map.of(
      BATTERY_UNIT, new SimpleProcessImage(BATTERY_UNIT),
      GRID_METER_UNIT, new SimpleProcessImage(GRID_METER_UNIT),
      PV_UNIT, new SimpleProcessImage(PV_UNIT),
      LOAD_UNIT, new SimpleProcessImage(LOAD_UNIT));

  SiteRegisters() {
    writable(BATTERY_UNIT, SET_ACTIVE_POWER, 2);
    readOnly(BATTERY_UNIT, BATTERY_ACTIVE_POWER, 7);
    writable(BATTERY_UNIT, SET_REACTIVE_POWER, 1);
    readOnly(BATTERY_UNIT, DISCHARGE_POWER, 2);
    writable(BATTERY_UNIT, SOC_RESERVE, 2);
    input(GRID_METER_UNIT, ACTIVE_POWER, 2);
    readOnly(PV_UNIT, ACTIVE_POWER, 2);
    readOnly(PV_UNIT, PV_AC_POWER, 2);
    readOnly(PV_UNIT, PV_CABINET_TEMPERATURE, 1);
    writable(PV_UNIT, PV_LIMIT_PERCENT, 1);
    readOnly(PV_UNIT, PV_LIMIT_PERCENT_SF, 1);
    readOnly(LOAD_UNIT, ACTIVE_POWER, 2);
  }

  /** The process image of a unit, or null for a unit id the site does not have. */
  ProcessImage image(int unitId) {
    return images.get(unitId);
  }

  /** The raw 16-bit word at an address. */
  int word(int unitId, int address) {
    return images.get(unitId).getRegister(address).getValue();
  }

  /** Writes the model's current state into every register. */
  void publish(SiteModel site) {
    setInt32(BATTERY_UNIT, SET_ACTIVE_POWER, Math.round(site.setpointWatts()), true);
    setInt32(BATTERY_UNIT, BATTERY_ACTIVE_POWER, Math.round(site.batteryPowerWatts()), true);
    set(BATTERY_UNIT, SOC, (int) Math.round(site.socPercent() * 10));
    setInt32(BATTERY_UNIT, CAPACITY_WH, Math.round(site.capacityWh()), true);
    set(BATTERY_UNIT, MAX_CHARGE_POWER, clampUint16(Math.round(site.maxChargeWatts() / 10)));
    set(BATTERY_UNIT, MAX_DISCHARGE_POWER, clampUint16(Math.round(site.maxDischargeWatts() / 10)));
    set(BATTERY_UNIT, SET_REACTIVE_POWER, (int) Math.round(site.reactiveSetpointVar()) & 0xFFFF);
    // this register counts the other way: discharge positive (the config declares sign -1)
    setInt32(BATTERY_UNIT, DISCHARGE_POWER, -Math.round(site.batteryPowerWatts()), true);
    setFloat32(BATTERY_UNIT, SOC_RESERVE, (float) site.socReservePercent(), false);

    setInputInt32(GRID_METER_UNIT, ACTIVE_POWER, Math.round(site.gridPowerWatts()));

    setInt32(PV_UNIT, ACTIVE_POWER, Math.round(site.pvWatts()), true);
    set(PV_UNIT, PV_AC_POWER, (int) Math.round(site.pvWatts() / Math.pow(10, AC_POWER_EXPONENT)) & 0xFFFF);
    set(PV_UNIT, PV_AC_POWER_SF, AC_POWER_EXPONENT & 0xFFFF);
    set(PV_UNIT, PV_CABINET_TEMPERATURE, NOT_IMPLEMENTED_INT16);
    set(PV_UNIT, PV_LIMIT_PERCENT, (int) Math.round(site.pvLimitPercent() / Math.pow(10, LIMIT_PERCENT_EXPONENT)));
    set(PV_UNIT, PV_LIMIT_PERCENT_SF, LIMIT_PERCENT_EXPONENT & 0xFFFF);

    setInt32(LOAD_UNIT, ACTIVE_POWER, Math.round(site.loadWatts()), true);
  }

  /**
   * Hands what a client wrote to registers {@code [first, first + count)} of a unit to the model.
   * A value the model refuses (a reserve above 100 %) is ignored; the next publish shows the old one.
   */
  void applyWrite(int unitId, int first, int count, SiteModel site) {
    try {
      if (unitId == BATTERY_UNIT) {
        applyBatteryWrite(first, count, site);
      } else if (unitId == PV_UNIT && covers(first, count, PV_LIMIT_PERCENT, 1)) {
        site.setPvLimitPercent(word(PV_UNIT, PV_LIMIT_PERCENT) * Math.pow(10, LIMIT_PERCENT_EXPONENT));
      }
    } catch (IllegalArgumentException refused) {
      // a real device would clamp or ignore; the read-back then shows the mismatch to the client
    }
  }

  private void applyBatteryWrite(int first, int count, SiteModel site) {
    if (covers(first, count, SET_ACTIVE_POWER, 2)) {
      site.setSetpointWatts(int32(BATTERY_UNIT, SET_ACTIVE_POWER, true));
    }
    if (covers(first, count, SET_REACTIVE_POWER, 1)) {
      site.setReactiveSetpointVar((short) word(BATTERY_UNIT, SET_REACTIVE_POWER));
    }
    if (covers(first, count, SOC_RESERVE, 2)) {
      site.setSocReservePercent(Float.intBitsToFloat(int32(BATTERY_UNIT, SOC_RESERVE, false)));
    }
  }

  private static boolean covers(int first, int count, int address, int width) {
    return first < address + width && address < first + count;
  }

  private int int32(int unitId, int address, boolean bigWordOrder) {
    return Words.join(word(unitId, address), word(unitId, address + 1), bigWordOrder);
  }

  private void setInt32(int unitId, int address, long value, boolean bigWordOrder) {
    int[] words = Words.split(clampInt32(value), bigWordOrder);
    set(unitId, address, words[0]);
    set(unitId, address + 1, words[1]);
  }

  /** An int32 in big word order into two input registers. */
  private void setInputInt32(int unitId, int address, long value) {
    int[] words = Words.split(clampInt32(value), true);
    for (int i = 0; i < words.length; i++) {
      ((SimpleInputRegister) images.get(unitId).getInputRegister(address + i)).setValue(words[i]);
    }
  }

  private void setFloat32(int unitId, int address, float value, boolean bigWordOrder) {
    int[] words = Words.split(Float.floatToIntBits(value), bigWordOrder);
    set(unitId, address, words[0]);
    set(unitId, address + 1, words[1]);
  }

  private void set(int unitId, int address, int word) {
    Register register = images.get(unitId).getRegister(address);
    if (register instanceof ReadOnlyRegister readOnly) {
      readOnly.publish(word);
    } else {
      register.setValue(word);
    }
  }

  private static int clampInt32(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(0xFFFF_FFFFL, value));
  }

  private static int clampUint16(long value) {
    return (int) Math.max(0, Math.min(0xFFFF, value));
  }

  private void writable(int unitId, int first, int count) {
    for (int address = first; address < first + count; address++) {
      images.get(unitId).addRegister(address, new SimpleRegister(0));
    }
  }

  private void input(int unitId, int first, int count) {
    for (int address = first; address < first + count; address++) {
      images.get(unitId).addInputRegister(address, new SimpleInputRegister(0));
    }
  }

  private void readOnly(int unitId, int first, int count) {
    for (int address = first; address < first + count; address++) {
      images.get(unitId).addRegister(address, new ReadOnlyRegister());
    }
  }
}
