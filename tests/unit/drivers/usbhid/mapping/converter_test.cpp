// Lookups and converters: NUT's texts for HID values and back.
#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/status.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "tests/unit/drivers/usbhid/mapping/corpus_device.h"
#include "tests/unit/drivers/usbhid/mapping/doc_table.h"

namespace walnut::mapping {
namespace {

using testing::value;

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

// A 0764:0501 unit's frequency converters (claimed with cps_battery_scale), nothing published yet.
struct CpsFrequencyDevice {
  UpsState state;
  CpsFrequencyScale scale{.might_need = true};
  ConverterContext context{.state = &state, .cps_frequency = &scale};
};

// cps_adjust_frequency_scale (NUT 2.8.5 cps-hid.c:102-204, commit 75efd0c5e), worked by hand.
TEST(Converter, CyberPowerFrequencyScaleDecidedPerDirectionFromTheReading) {
  CpsFrequencyDevice device;
  auto& [state, scale, context] = device;
  // No limits published: 499 fits 450..550, so nominal 50 Hz, limits 47.5..52.5; only 49.9 fits.
  EXPECT_EQ(to_nut("cps_input_freq", 499, context), "49.9");
  EXPECT_TRUE(scale.input_checked);
  EXPECT_EQ(scale.input, 0.1);
  EXPECT_EQ(to_nut("cps_input_freq", 600, context), "60.0");  // decided: stays 0.1
  // The output is decided on its own: 60.0 fits 55..65 (nominal 60, 57..63) as it is.
  EXPECT_FALSE(scale.output_checked);
  EXPECT_EQ(to_nut("cps_output_freq", 60, context), "60.0");
  EXPECT_TRUE(scale.output_checked);
  EXPECT_EQ(scale.output, 1.0);
  EXPECT_EQ(to_nut("cps_output_freq", 599, context), "599.0");
}

TEST(Converter, CyberPowerFrequencyScaleUsesPublishedLimitsAndWaitsWhenNothingFits) {
  CpsFrequencyDevice device;
  auto& [state, scale, context] = device;
  // 0 fits no guess: no nominal, limits 45..65, neither 0 nor 0/10 fits; asked again later.
  EXPECT_EQ(to_nut("cps_input_freq", 0, context), "0.0");
  EXPECT_FALSE(scale.input_checked);
  // 70 Hz fits nothing either (not 45..65, and 7 is not); 700 neither (450..650 guesses only).
  EXPECT_EQ(to_nut("cps_input_freq", 700, context), "700.0");
  EXPECT_FALSE(scale.input_checked);
  // A published range (e.g. default.input.frequency.low/high) decides: 400 Hz units are 40.0.
  state.set_info("input.frequency.low", "35");
  state.set_info("input.frequency.high", "45");
  EXPECT_EQ(to_nut("cps_input_freq", 400, context), "40.0");
  EXPECT_TRUE(scale.input_checked);
  // A published nominal of 60 with no limits: 57..63, so 600 is read as 60.0 on the output.
  state.set_info("output.frequency.nominal", "60");
  EXPECT_EQ(to_nut("cps_output_freq", 600, context), "60.0");
  // Devices without the hook (all but 0764:0501) are never scaled.
  CpsFrequencyScale other;
  context.cps_frequency = &other;
  EXPECT_EQ(to_nut("cps_input_freq", 499, context), "499.0");
  EXPECT_EQ(to_nut("cps_output_freq", 499, context), "499.0");
  EXPECT_FALSE(other.input_checked);
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
  MgeState high;  // MGE_DEFAULT, NUT's default type: line-interactive and online take both HV families
  context.mge = &high;
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 230, context), "230");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 208, context), "208");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 120, context), std::nullopt);
  MgeState offline;
  offline.type = *mge_model_type("MGE_DEFAULT_OFFLINE");
  context.mge = &offline;
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 230, context), "230");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 208, context), std::nullopt);  // mge-hid.c:1481
  MgeState offline_208;
  offline_208.type = *mge_model_type("MGE_PEGASUS");  // a series below MGE_DEFAULT
  context.mge = &offline_208;
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 208, context), "208");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 200, context), "200");
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 230, context), std::nullopt);  // mge-hid.c:1462
  MgeState odd;
  context.mge = &odd;
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 136, context), "136");  // no family: anything
  EXPECT_EQ(to_nut("mge_nominal_output_voltage", 230, context), "230");
}

TEST(Converter, MgeModelTypesAreNutsValues) {
  EXPECT_EQ(mge_model_type("MGE_DEFAULT_OFFLINE"), 0);
  EXPECT_EQ(mge_model_type("MGE_3S"), 0x110);
  EXPECT_EQ(mge_model_type("MGE_DEFAULT"), MgeState::kMgeDefault);
  EXPECT_EQ(mge_model_type("MGE_EVOLUTION_S_3000"), 0x309);
  EXPECT_EQ(mge_model_type("MGE_PULSAR_M_3000_XL"), 0x403);
  EXPECT_EQ(mge_model_type("EATON_9E"), 0x900);
  EXPECT_EQ(mge_model_type("EATON_9X"), std::nullopt);
}

TEST(Converter, MgeBatteryVoltageOnlyForSeriesThatReportIt) {
  MgeState mge;  // MGE_DEFAULT: nothing from UPS.PowerSummary
  ConverterContext context;
  context.mge = &mge;
  EXPECT_EQ(to_nut("mge_battery_voltage", 27.3, context), std::nullopt);
  EXPECT_EQ(to_nut("mge_battery_voltage_nominal", 24, context), std::nullopt);
  for (const char* type : {"MGE_EVOLUTION", "MGE_EVOLUTION_850", "MGE_PULSAR_M_2200", "EATON_5P", "EATON_9E"}) {
    mge.type = *mge_model_type(type);
    EXPECT_EQ(to_nut("mge_battery_voltage", 27.34, context), "27.3") << type;
    EXPECT_EQ(to_nut("mge_battery_voltage_nominal", 24, context), "24") << type;
  }
  mge.type = *mge_model_type("MGE_EVOLUTION_650");  // mge-hid.c:674: always 12 V
  EXPECT_EQ(to_nut("mge_battery_voltage_nominal", 24, context), "12");
  EXPECT_EQ(to_nut("mge_battery_voltage", 13.1, context), "13.1");
  for (const char* type : {"MGE_DEFAULT_OFFLINE", "MGE_PEGASUS", "MGE_3S"}) {
    mge.type = *mge_model_type(type);
    EXPECT_EQ(to_nut("mge_battery_voltage", 13.1, context), std::nullopt) << type;
  }
}

TEST(Converter, EatonCountryIsRememberedNotPublished) {
  MgeState mge;
  ConverterContext context;
  context.mge = &mge;
  EXPECT_EQ(mge.country, -1);
  EXPECT_EQ(to_nut("eaton_check_country", 1, context), std::nullopt);
  EXPECT_EQ(mge.country, 1);
}

TEST(Converter, PegasusRowsOnlyOnPegasusSeries) {
  MgeState mge;
  ConverterContext context;
  context.mge = &mge;
  EXPECT_EQ(to_nut("eaton_check_pegasus", 25, context), std::nullopt);
  EXPECT_EQ(to_nut("pegasus_yes_no", 1, context), std::nullopt);
  EXPECT_EQ(find_converter("pegasus_yes_no")->to_hid("yes", context), 0);
  mge.type = *mge_model_type("MGE_PEGASUS");
  EXPECT_EQ(to_nut("eaton_check_pegasus", 25, context), "25");
  EXPECT_EQ(to_nut("pegasus_yes_no", 1, context), "yes");
  EXPECT_EQ(to_nut("pegasus_yes_no", 0, context), "no");
  EXPECT_EQ(find_converter("pegasus_yes_no")->to_hid("yes", context), 1);
  EXPECT_EQ(find_converter("pegasus_yes_no")->to_hid("yesterday", context), 1);  // strncmp(.., 3)
  EXPECT_EQ(find_converter("pegasus_yes_no")->to_hid("no", context), 0);
  // NUT masks the type with 0xff00 first: a 3S (0x110) is Pegasus even in Europe (country 0).
  mge.type = *mge_model_type("MGE_3S");
  mge.country = 0;
  EXPECT_EQ(to_nut("pegasus_yes_no", 1, context), "yes");
  mge.type = *mge_model_type("MGE_DEFAULT_OFFLINE");
  EXPECT_EQ(to_nut("eaton_check_pegasus", 25, context), std::nullopt);
}

TEST(Converter, MgeDateAndTimeAreLocalUnixTime) {
  testing::ScopedTimeZone utc("UTC0");
  ConverterContext context;
  EXPECT_EQ(to_nut("mge_date", 0, context), "1970/01/01");
  EXPECT_EQ(to_nut("mge_time", 0, context), "00:00:00");
  EXPECT_EQ(to_nut("mge_date", 1733369696, context), "2024/12/05");  // 2024-12-05 03:34:56 UTC
  EXPECT_EQ(to_nut("mge_time", 1733369696, context), "03:34:56");
  EXPECT_EQ(to_nut("mge_date", 1e15, context), std::nullopt);  // year beyond 4 digits
  {
    testing::ScopedTimeZone cet("CET-1");
    EXPECT_EQ(to_nut("mge_time", 1733369696, context), "04:34:56");
  }
  // Writing one half reads the other from the published variables (mge-hid.c:613, 629).
  UpsState state;
  context.state = &state;
  const Converter& date = *find_converter("mge_date");
  const Converter& time = *find_converter("mge_time");
  EXPECT_EQ(date.to_hid("2024/12/05", context), 0);  // no ups.time: "(null)" does not parse
  state.set_info("ups.time", "03:34:56");
  EXPECT_EQ(date.to_hid("2024/12/05", context), 1733369696);
  state.set_info("ups.date", "2024/12/05");
  EXPECT_EQ(time.to_hid("03:34:57", context), 1733369697);
  EXPECT_EQ(time.to_hid("3 o'clock", context), 0);
}

TEST(Converter, PowercomVoltageIsReport0xa4sAscii) {
  std::map<std::uint8_t, std::vector<std::uint8_t>> reports;
  ReportBytes bytes = [&reports](std::uint8_t id) -> std::span<const std::uint8_t> { return reports[id]; };
  PowercomState powercom;
  ConverterContext context;
  context.report_bytes = &bytes;
  context.powercom = &powercom;
  const Converter& converter = *find_converter("powercom_report_voltage");
  EXPECT_EQ(converter.own_report, 0xa4);
  EXPECT_EQ(converter.own_report_length, 8u);
  EXPECT_EQ(to_nut("powercom_report_voltage", 1, context), "0.0");  // nothing read yet
  reports[0xa4] = {0xa4, ' ', '1', '3', '.', '7', ' ', '2'};
  EXPECT_EQ(to_nut("powercom_report_voltage", 0, context), "13.7");  // the value (ACPresent) is ignored
  reports[0xa4] = {0xa4, ' ', '2', '7', ' ', '2', 0, 0};  // no dot: not valid, the last one stays
  EXPECT_EQ(to_nut("powercom_report_voltage", 1, context), "13.7");
  reports[0xa4] = {0xa4, 'V', '=', '.', '5', 0, '9', '.'};  // stops at the NUL
  EXPECT_EQ(to_nut("powercom_report_voltage", 1, context), ".5");
  reports[0xa4] = {0xa4, '1', '2', '.', '3', '4', '5', '6', '7', '8'};  // NUT reads 8 bytes at most
  EXPECT_EQ(to_nut("powercom_report_voltage", 1, context), "12.3456");
}

// mge-hid.c:897-1101 (2.8.5): ECO needs the bypass within the ECO limits, else the variable is
// set back to "normal"; the mode words go to experimental.ups.mode.buzzwords.
TEST(Converter, EatonEcoModeChecksTheBypassRange) {
  UpsState state;
  std::vector<std::string> words;
  ConverterContext context;
  context.state = &state;
  context.side_state = &state;
  context.buzzwords = &words;
  EXPECT_EQ(to_nut("eaton_input_eco_mode", 0, context), "normal");
  EXPECT_EQ(to_nut("eaton_input_eco_mode", 2, context), "ESS");
  EXPECT_EQ(words, (std::vector<std::string>{"vendor:mge-hid:ESS"}));
  EXPECT_EQ(to_nut("eaton_input_eco_mode", 3, context), std::nullopt);
  words.clear();
  EXPECT_EQ(to_nut("eaton_input_eco_mode", 1, context), std::nullopt);  // nothing to check against
  EXPECT_EQ(value(state, "input.eco.switchable"), "normal");
  EXPECT_TRUE(words.empty());
  state.set_info("input.bypass.voltage", "231.0");
  state.set_info("input.bypass.frequency", "50.1");
  state.set_info("output.voltage.nominal", "230");
  state.set_info("output.frequency.nominal", "50");
  state.set_info("input.eco.switchable", "?");
  EXPECT_EQ(to_nut("eaton_input_eco_mode", 1, context), "ECO");  // within 230 ± 5 %, 50 ± 5 %
  EXPECT_EQ(value(state, "input.eco.switchable"), "?");
  EXPECT_EQ(words, (std::vector<std::string>{"vendor:mge-hid:ECO"}));
  state.set_info("input.transfer.eco.low", "225");  // the published limits win once both are set
  state.set_info("input.transfer.eco.high", "230");
  words.clear();
  EXPECT_EQ(to_nut("eaton_input_eco_mode", 1, context), std::nullopt);
  EXPECT_EQ(value(state, "input.eco.switchable"), "normal");
  EXPECT_EQ(words, (std::vector<std::string>{"vendor:mge-hid:normal"}));
  const Converter& eco = *find_converter("eaton_input_eco_mode");
  EXPECT_EQ(eco.to_hid("ECO", context), 1);
  EXPECT_EQ(eco.to_hid("vendor:mge-hid:ESS", context), 2);
  EXPECT_EQ(eco.to_hid("normal", context), 0);
  EXPECT_TRUE(std::isnan(eco.to_hid("eco", context)));  // EINVAL: refused
}

TEST(Converter, EatonBypassOnChecksTheBypassRange) {
  UpsState state;
  ConverterContext context;
  context.state = &state;
  context.side_state = &state;
  EXPECT_EQ(to_nut("eaton_input_bypass_mode_on", 0, context), "disabled");
  EXPECT_EQ(to_nut("eaton_input_bypass_mode_on", 1, context), std::nullopt);
  EXPECT_EQ(value(state, "input.bypass.switch.off"), "off");
  state.set_info("input.bypass.voltage", "190");  // 230 -20 % is 184
  state.set_info("input.bypass.frequency", "54.9");  // 50 ± 10 %
  state.set_info("output.voltage.nominal", "230");
  state.set_info("output.frequency.nominal", "50");
  state.set_info("input.bypass.switch.off", "disabled");
  EXPECT_EQ(to_nut("eaton_input_bypass_mode_on", 1, context), "on");
  EXPECT_EQ(value(state, "input.bypass.switch.off"), "disabled");
  state.set_info("input.transfer.frequency.bypass.range", "5");
  EXPECT_EQ(to_nut("eaton_input_bypass_mode_on", 1, context), std::nullopt);
  EXPECT_EQ(value(state, "input.bypass.switch.off"), "off");
  EXPECT_EQ(to_nut("eaton_input_bypass_mode_on", 2, context), std::nullopt);
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

// ecoflow_battery_runtime_conversion (NUT 2.8.5 ecoflow-hid.c:67): minutes to seconds, none below 0.
TEST(Converter, EcoflowRuntimeIsMinutes) {
  ConverterContext context;
  EXPECT_EQ(to_nut("ecoflow_runtime", 2400, context), "144000");
  EXPECT_EQ(to_nut("ecoflow_runtime", 0, context), "0");
  EXPECT_EQ(to_nut("ecoflow_runtime", -1, context), std::nullopt);
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

// powercom-hid.c:83-423 of 2.8.5, worked by hand from NUT's formulas.
TEST(Converter, PowercomFollowsNut) {
  ConverterContext context;
  EXPECT_EQ(to_nut("powercom_startup", 0x0201, context), "15480");  // (0x01 << 8) + 0x02 minutes
  EXPECT_EQ(to_nut("powercom_shutdown", 0x0214, context), "140");   // 2 min 20 s
  EXPECT_EQ(to_nut("powercom_stayoff", 1, context), std::nullopt);
  EXPECT_EQ(to_nut("powercom_voltage", 57.4, context), "230");
  EXPECT_EQ(to_nut("powercom_online", 0x01, context), "!online");
  EXPECT_EQ(to_nut("powercom_online", 0x02, context), "online");
  EXPECT_EQ(to_nut("powercom_trim", 0x08, context), "trim");
  EXPECT_EQ(to_nut("powercom_trim", 0x18, context), "!trim");
  EXPECT_EQ(to_nut("powercom_boost", 0x18, context), "boost");
  EXPECT_EQ(to_nut("powercom_upsfail", 0x01, context), "fanfail");
  EXPECT_EQ(to_nut("powercom_shutdownimm", 0x10, context), "shutdownimm");
  // Writes: the value first, then offdelay/ondelay, then the published variable, then NUT's default.
  const Lookup shutdown{"s", {}, find_converter("powercom_shutdown")};
  const Lookup stayoff{"s", {}, find_converter("powercom_stayoff")};
  const Lookup startup{"s", {}, find_converter("powercom_startup")};
  EXPECT_EQ(lookup_to_hid(shutdown, "140", context), 0x0214 | 0x40);
  EXPECT_EQ(lookup_to_hid(stayoff, "0", context), 0x0001 | 0x80);  // 0 is the maximum delay: 1 s
  EXPECT_EQ(lookup_to_hid(shutdown, "", context), 0x0100 | 0x40);  // default 60 s
  EXPECT_EQ(lookup_to_hid(startup, "", context), 0x0200);          // default 2 min, byte-swapped
  UpsState state;
  state.set_info("ups.delay.shutdown", "20");
  context.state = &state;
  EXPECT_EQ(lookup_to_hid(shutdown, "", context), 20 | 0x40);
  ModelOptions options;
  options.offdelay = "90";
  options.ondelay = "180";
  context.options = &options;
  EXPECT_EQ(lookup_to_hid(shutdown, "", context), 0x011E | 0x40);
  EXPECT_EQ(lookup_to_hid(startup, "", context), 0x0300);
}

// belkin-hid.c:137-400 of 2.8.5, worked by hand from NUT's functions.
TEST(Converter, BelkinLiebertFollowsNut) {
  ConverterContext context;
  LiebertScales liebert;
  context.liebert = &liebert;
  EXPECT_EQ(to_nut("liebert_online", 2, context), "online");
  EXPECT_EQ(to_nut("liebert_charging", 0, context), "!chrg");
  EXPECT_EQ(to_nut("liebert_line_voltage", 230, context), "230.0");
  EXPECT_EQ(to_nut("liebert_line_voltage", 2.201e-05, context), "220.1");  // picks 1e7, kept
  EXPECT_EQ(to_nut("liebert_line_voltage", 1.39e-06, context), "13.9");
  LiebertScales other;
  context.liebert = &other;
  EXPECT_EQ(to_nut("liebert_line_voltage", 0.001212, context), "121.2");  // picks 1e5
  EXPECT_EQ(to_nut("liebert_config_voltage", 1e-7, context), "10.0");     // config 1e8, line 1e7
  EXPECT_EQ(to_nut("liebert_line_voltage", 1.39e-06, context), "13.9");
  EXPECT_EQ(to_nut("belkin_firmware", 0x53, context), "5");
  EXPECT_EQ(to_nut("belkin_upstype", 0x52, context), "line-interactive");
  EXPECT_EQ(to_nut("belkin_upstype", 0x50, context), "online");
  EXPECT_EQ(to_nut("belkin_sensitivity", 1, context), "reduced");
  EXPECT_EQ(to_nut("belkin_sensitivity", 7, context), "normal");
  EXPECT_EQ(to_nut("belkin_online", 0x01, context), "!online");
  EXPECT_EQ(to_nut("belkin_awaitingpower", 0x2000, context), "awaitingpower");
  EXPECT_EQ(to_nut("belkin_depleted", 0x40, context), "depleted");
  EXPECT_EQ(to_nut("belkin_lowbatt", 0x03, context), "!lowbatt");
  EXPECT_EQ(to_nut("divide_by_100", 5000, context), "50.0");
}

// ever-hid.c:64-326 of 2.8.5: the words, and the vendor reports read whole from the cache.
TEST(Converter, EverFollowsNut) {
  ConverterContext context;
  EXPECT_EQ(to_nut("ever_version", 0x1205, context), "v1.2b05");
  EXPECT_EQ(to_nut("ever_hardware", 0x0203, context), "rev.Bv03");
  EXPECT_EQ(to_nut("ever_hardware", 0x1b03, context), std::nullopt);  // beyond NUT's table
  EXPECT_EQ(to_nut("ever_workmode", 0, context), "UNKNOWN");          // no cached reports
  std::map<std::uint8_t, std::vector<std::uint8_t>> reports = {
      {74, {74, 8}}, {75, {75, 0x0c, 0x0c}}, {76, {76, 0x03, 0x01}}, {210, {210, 0, 0x1b, 0xff}},
      {211, {211, 10, 0, 0, 1}}, {230, {230, 10, 0, 0, 2}}, {215, {215, 0x10, 0x27, 0, 0}}, {216, {216, 1}}};
  const ReportBytes bytes = [&reports](std::uint8_t id) -> std::span<const std::uint8_t> {
    auto found = reports.find(id);
    return found == reports.end() ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(found->second);
  };
  EverState ever;
  context.report_bytes = &bytes;
  context.ever = &ever;
  EXPECT_EQ(to_nut("ever_workmode", 0, context), "ONBATTERY");
  EXPECT_EQ(to_nut("ever_on_off", 0, context), "!off");
  EXPECT_EQ(to_nut("ever_messages", 0, context), "BOOST BUCK OVERHEAT");
  EXPECT_EQ(to_nut("ever_alarms", 0, context), "OVERLOAD SHORT-CIRCUIT CRITICAL_BATT_VOLTAGE");
  EXPECT_EQ(to_nut("ever_mac_address", 0, context), "00:1b:ff");
  EXPECT_EQ(to_nut("ever_ip_address", 0, context), "10.0.0.1");  // 211, then 230, 231, 232 in turn
  EXPECT_EQ(to_nut("ever_ip_address", 0, context), "10.0.0.2");
  EXPECT_EQ(to_nut("ever_packets", 0, context), "10000");
  EXPECT_EQ(to_nut("ever_packets", 0, context), "");  // report 216 is shorter than 5 bytes
}

TEST(Converter, ConverterValuesServeSetvar) {
  Lookup lookup{"v", {{230, "230"}, {120, "120"}}, find_converter("mge_nominal_output_voltage")};
  EXPECT_EQ(lookup_to_hid(lookup, "120"), 120);
  EXPECT_TRUE(std::isnan(lookup_to_hid(lookup, "121")));  // 2.8.5: CONVERSION-FAILED, not -1
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
  // No match is NaN: NUT 2.8.5 answers CONVERSION-FAILED and writes nothing where 2.8.0 wrote -1
  // (hu_find_valinfo's EINVAL, NUT commit d3671c992).
  EXPECT_TRUE(std::isnan(lookup_to_hid(beeper, "MUTED")));  // NUT compares case-sensitively
  EXPECT_TRUE(std::isnan(lookup_to_hid(converter("kelvin_celsius"), "20")));  // no reverse
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
