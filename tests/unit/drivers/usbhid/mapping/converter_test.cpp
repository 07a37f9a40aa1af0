// Lookups and converters: NUT's texts for HID values and back.
#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/status.h"

#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/doc_table.h"

namespace walnut::mapping {
namespace {

Lookup converter(const char* name) { return Lookup{name, {}, find_converter(name)}; }

std::optional<std::string> to_nut(const char* name, double value, ConverterContext context = {}) {
  return lookup_to_nut(converter(name), value, context);
}

TEST(Converter, DateIsPackedPowerDeviceDate) {
  EXPECT_EQ(to_nut("date", 21090), "2021/03/02");
  EXPECT_EQ(to_nut("date", 0), "not set");
  EXPECT_EQ(lookup_to_hid(converter("date"), "2021/03/02"), 21090);
  EXPECT_EQ(lookup_to_hid(converter("date"), "2200/01/01"), 0);  // year beyond 7 bits
  EXPECT_EQ(lookup_to_hid(converter("date"), "garbage"), 0);
}

TEST(Converter, ApcDateIsHexDigitsReadAsDecimal) {
  EXPECT_EQ(to_nut("apc_date", 0x092501), "2001/09/25");
  EXPECT_EQ(to_nut("apc_date", 0x102299), "1999/10/22");
  EXPECT_EQ(lookup_to_hid(converter("apc_date"), "2002/10/22"), 0x102202);
}

TEST(Converter, KelvinOnlyBetween273And373) {
  EXPECT_EQ(to_nut("kelvin_celsius", 298.15), "25.0");
  EXPECT_EQ(to_nut("kelvin_celsius", 25), "25.0");
  EXPECT_EQ(to_nut("kelvin_celsius", 400), "400.0");
}

TEST(Converter, HexAndDivideBy10) {
  EXPECT_EQ(to_nut("hex", 255), "000000ff");
  EXPECT_EQ(to_nut("divide_by_10", 123), "12.3");
}

TEST(Converter, StringIdReadsStringDescriptorsCutAt19Bytes) {
  StringLookup strings = [](int index) -> std::optional<std::string> {
    if (index == 4) return "PbAc";
    if (index == 5) return "a string longer than nineteen bytes";
    return std::nullopt;
  };
  ConverterContext context;
  context.strings = &strings;
  EXPECT_EQ(to_nut("stringid", 4, context), "PbAc");
  EXPECT_EQ(to_nut("stringid", 5, context), "a string longer tha");
  EXPECT_EQ(to_nut("stringid", 6, context), "");
  EXPECT_EQ(to_nut("stringid", 0, context), "");
  EXPECT_EQ(to_nut("stringid", 300, context), std::nullopt);
}

TEST(Converter, CyberPowerBatteryScaleDecidedOnceAgainstNominal) {
  UpsState state;
  state.set_info("battery.voltage.nominal", "12");
  BatteryScale scale;
  scale.might_need = true;
  ConverterContext context;
  context.state = &state;
  context.battery_scale = &scale;
  EXPECT_EQ(to_nut("cps_battvolt", 20.1, context), "13.4");
  EXPECT_TRUE(scale.checked);
  EXPECT_EQ(to_nut("cps_battvolt", 12, context), "8.0");  // the factor stays
  BatteryScale other;  // devices without the hook are never scaled
  context.battery_scale = &other;
  EXPECT_EQ(to_nut("cps_battvolt", 20.1, context), "20.1");
}

TEST(Converter, EatonRealpowerIsLoadTimesNominalTimesPowerFactor) {
  UpsState state;
  ConverterContext context;
  context.state = &state;
  EXPECT_EQ(to_nut("eaton_realpower", 0, context), std::nullopt);  // nothing to compute from yet
  state.set_info("ups.load", "80");
  state.set_info("ups.power.nominal", "14616");
  EXPECT_EQ(to_nut("eaton_realpower", 0, context), "9354");  // round(0.8 * 14616 * 0.8)
  state.set_info("output.powerfactor", "0.90");              // NUT's atoi makes this 0
  EXPECT_EQ(to_nut("eaton_realpower", 0, context), "0");
}

TEST(Converter, MgeNominalOutputVoltageKeepsTheFirstValuesFamily) {
  MgeState low;
  ConverterContext context;
  context.mge = &low;
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 120, context), "120");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 127, context), "127");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 230, context), std::nullopt);
  MgeState high;
  context.mge = &high;
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 230, context), "230");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 208, context), std::nullopt);  // offline model
  MgeState odd;
  context.mge = &odd;
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 136, context), "136");  // no family: anything
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 230, context), "230");
}

TEST(Converter, EatonChargeBitsReachStatusOnlyWithAbmOff) {
  MgeState mge;
  ConverterContext context;
  context.mge = &mge;
  EXPECT_EQ(to_nut("eaton_abm_charging", 1, context), "!chrg");  // ABM unknown
  mge.abm = 0;
  EXPECT_EQ(to_nut("eaton_abm_charging", 1, context), "chrg");
  EXPECT_EQ(to_nut("eaton_abm_discharging", 1, context), "dischrg");
  EXPECT_EQ(to_nut("eaton_abm_discharging", 0, context), "!dischrg");
  mge.abm = 1;
  EXPECT_EQ(to_nut("eaton_abm_discharging", 1, context), "!dischrg");
}

TEST(Converter, EatonAbmPathDecidesHowChargerStatesAreNumbered) {
  MgeState mge;
  ConverterContext context;
  context.mge = &mge;
  EXPECT_EQ(to_nut("eaton_abm_status", 1, context), std::nullopt);  // ABM unknown: nothing
  EXPECT_EQ(to_nut("eaton_abm_enabled", 1, context), std::nullopt);  // never published
  EXPECT_EQ(mge.abm, 1);
  EXPECT_EQ(to_nut("eaton_abm_path_status", 0, context), std::nullopt);
  EXPECT_EQ(mge.abm_path, MgeState::AbmPath::kStatus);
  EXPECT_EQ(to_nut("eaton_abm_path_mode", 0, context), std::nullopt);  // the first path stays
  EXPECT_EQ(mge.abm_path, MgeState::AbmPath::kStatus);
  // Charger.Status numbering: 2 floating, 4 discharging; 5 (ABM not activated) nothing.
  EXPECT_EQ(to_nut("eaton_abm_status", 2, context), "floating");
  EXPECT_EQ(to_nut("eaton_abm_status", 4, context), "discharging");
  EXPECT_EQ(to_nut("eaton_abm_status", 5, context), std::nullopt);
  EXPECT_EQ(to_nut("eaton_abm_chrg_dischrg", 2, context), "chrg");
  EXPECT_EQ(to_nut("eaton_abm_chrg_dischrg", 4, context), "dischrg");
  EXPECT_EQ(to_nut("eaton_abm_chrg_dischrg", 3, context), std::nullopt);  // resting
  // ABM off forgets the path; Charger.Mode then numbers 2 discharging, 3 floating.
  to_nut("eaton_abm_enabled", 0, context);
  to_nut("eaton_abm_path_mode", 0, context);
  EXPECT_EQ(mge.abm_path, MgeState::AbmPath::kUnknown);
  EXPECT_EQ(to_nut("eaton_abm_status", 2, context), std::nullopt);
  to_nut("eaton_abm_enabled", 1, context);
  to_nut("eaton_abm_path_mode", 0, context);
  EXPECT_EQ(to_nut("eaton_abm_status", 2, context), "discharging");
  EXPECT_EQ(to_nut("eaton_abm_status", 3, context), "floating");
  EXPECT_EQ(to_nut("eaton_abm_chrg_dischrg", 3, context), "chrg");
}

TEST(Converter, EatonConverterOnlineIsSilentWhileOff) {
  StatusBits bits;
  ConverterContext context;
  context.status = &bits;
  EXPECT_EQ(to_nut("eaton_converter_online", 1, context), "online");
  EXPECT_EQ(to_nut("eaton_converter_online", 0, context), "!online");
  bits.apply("off");
  EXPECT_EQ(to_nut("eaton_converter_online", 1, context), std::nullopt);
}

TEST(Converter, MgeAndLegrandScales) {
  ConverterContext context;
  EXPECT_EQ(to_nut("mge_battery_capacity", 25200, context), "7.00");
  EXPECT_EQ(to_nut("mge_powerfactor", 80, context), "0.80");
  EXPECT_EQ(to_nut("legrand_times10", 23.4, context), "234.0");
  EXPECT_EQ(to_nut("legrand_times10M", 0.0000231, context), "231.0");
}

// delta_ups_type_fun (delta_ups-hid.c:124): low nibble, 3..5 step down by two, 6 is split-phase.
TEST(Converter, DeltaUpsTypeFollowsNut) {
  ConverterContext context;
  EXPECT_EQ(to_nut("delta_ups_type", 0, context), "online");
  EXPECT_EQ(to_nut("delta_ups_type", 1, context), "offline");
  EXPECT_EQ(to_nut("delta_ups_type", 2, context), "line-interactive");
  EXPECT_EQ(to_nut("delta_ups_type", 3, context), "offline");
  EXPECT_EQ(to_nut("delta_ups_type", 5, context), "3-phase");
  EXPECT_EQ(to_nut("delta_ups_type", 6, context), "split-phase");
  EXPECT_EQ(to_nut("delta_ups_type", 0x12, context), "line-interactive");
  EXPECT_EQ(to_nut("delta_ups_type", 7, context), std::nullopt);
}

// openups-hid.c:180-262, worked by hand from NUT's table and formulas.
TEST(Converter, OpenUpsFollowsNut) {
  ConverterContext context;
  EXPECT_EQ(to_nut("openups_temperature", 0.2, context), "-40");
  EXPECT_EQ(to_nut("openups_temperature", 2.75, context), "0");     // 275 = 0x113, the 0 °C point
  EXPECT_EQ(to_nut("openups_temperature", 3.2, context), "5.11");   // (320-319)*5/(366-319) + 5
  EXPECT_EQ(to_nut("openups_temperature", 100, context), "125");
  EXPECT_EQ(to_nut("openups_off", 1, context), "!off");
  EXPECT_EQ(to_nut("openups_off", 0, context), "off");
  EXPECT_EQ(to_nut("openups_charging", 2, context), "chrg");
  DeviceScales scales;
  scales.input_voltage = 0.03545 * 100;
  scales.discharge_current = 16.113 / 10;
  context.scales = &scales;
  EXPECT_EQ(to_nut("openups_vin", 100, context), "354.50");
  EXPECT_EQ(to_nut("openups_cdischarge", 10, context), "16.113");
  EXPECT_EQ(to_nut("openups_vout", 100, context), "100.00");
}

TEST(Converter, ConverterValuesServeSetvar) {
  Lookup lookup{"v", {{230, "230"}, {120, "120"}}, find_converter("mge_nominal_output_voltage")};
  EXPECT_EQ(lookup_to_hid(lookup, "120"), 120);
  EXPECT_EQ(lookup_to_hid(lookup, "121"), -1);
}

TEST(Converter, CyberPowerChargeClampedTo100) {
  EXPECT_EQ(to_nut("cps_battcharge", 140), "100");
  EXPECT_EQ(to_nut("cps_battcharge", 42), "42");
}

TEST(Converter, CyberPowerBatteryStatusIsAPercentage) {  // NUT 2.8.5's cps_battstatus_fun
  EXPECT_EQ(to_nut("cps_battstatus", 97), "97%");
  EXPECT_EQ(to_nut("cps_battstatus", 0), "0%");
}

TEST(Converter, TableLookupsTruncateAndMissesAreNull) {
  Lookup beeper{"beeper", {{1, "disabled"}, {2, "enabled"}, {3, "muted"}}, nullptr};
  ConverterContext context;
  EXPECT_EQ(lookup_to_nut(beeper, 2.9, context), "enabled");
  EXPECT_EQ(lookup_to_nut(beeper, 7, context), std::nullopt);
  EXPECT_EQ(lookup_to_hid(beeper, "muted"), 3);
  EXPECT_EQ(lookup_to_hid(beeper, "MUTED"), -1);  // NUT compares case-sensitively
  EXPECT_EQ(lookup_to_hid(converter("kelvin_celsius"), "20"), -1);  // no reverse
}

TEST(Converter, NumericFormatsAreChecked) {
  EXPECT_TRUE(is_numeric_format("%.0f"));
  EXPECT_TRUE(is_numeric_format("%5.2f %%"));
  EXPECT_FALSE(is_numeric_format("%s"));
  EXPECT_FALSE(is_numeric_format("%d"));
  EXPECT_FALSE(is_numeric_format("%.1f %.1f"));
  EXPECT_FALSE(is_numeric_format("%n"));
  EXPECT_FALSE(is_numeric_format("%999f"));
  EXPECT_EQ(format_number("%.1f", 13.43), "13.4");
  EXPECT_EQ(format_number("%.0f", 2.5), "2");
}

TEST(Converter, RegistryNamesAreUniqueAndFound) {
  for (const Converter& converter : converters()) EXPECT_EQ(find_converter(converter.name), &converter);
  EXPECT_EQ(find_converter("teleport"), nullptr);
}

TEST(Converter, DocsListTheRegistry) {
  std::vector<std::string> expected = {"| converter | HID → NUT | NUT → HID | NUT's name |", "|---|---|---|---|"};
  for (const Converter& converter : converters()) {
    expected.push_back("| `" + std::string(converter.name) + "` | " + std::string(converter.doc) + " | " +
                       (converter.to_hid ? "inverse" : "—") + " | `" + std::string(converter.nut_name) + "` |");
  }
  EXPECT_EQ(testing::joined(testing::doc_table("docs/mappings.md", "| converter |")), testing::joined(expected));
}

}  // namespace
}  // namespace walnut::mapping
