// HID value <-> NUT text: a mapping row's lookup table or named converter (NUT's info_lkp_t
// with its fun/nuf functions), and the printf-style formats of numeric rows.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ups_state.h"
#include "drivers/usbhid/mapping/mapping.h"
#include "drivers/usbhid/mapping/model_options.h"

namespace walnut::mapping {

// USB string descriptor by index (NUT's stringid_conversion); nullopt when unreadable.
using StringLookup = std::function<std::optional<std::string>(int index)>;

// CyberPower's battery voltage scale (NUT's cps_battvolt): some 0764:0501 units report 1.5x the
// real voltage; decided once, from the first reading against battery.voltage.nominal.
struct BatteryScale {
  bool might_need = false;  // set by the claim hook cps_battery_scale
  bool checked = false;
  double factor = 1.0;
};

// CyberPower's frequency scales (NUT 2.8.5's cps_adjust_frequency_scale, commit 75efd0c5e): some
// 0764:0501 firmwares report 0.1 Hz units as Hz ("499.0"); each direction is decided once, from a
// reading that fits the published limits (or NUT's 50/60 Hz guesses) as it is or divided by 10.
struct CpsFrequencyScale {
  bool might_need = false;  // set by the claim hook cps_battery_scale, as NUT sets both
  bool input_checked = false;
  bool output_checked = false;
  double input = 1.0;
  double output = 1.0;
};

// Tripp Lite's scale factors, set per product by its claim hooks (NUT's tripplite-hid.c
// battery_scale_0dot1, smart1500lcdt_scale, ...).
struct DeviceScales {
  double battery = 1.0;
  double io_voltage = 1.0;
  double io_frequency = 1.0;
  double io_current = 1.0;
  // openUPS (openups-hid.c get_voltage_multiplier): input/output voltage and charge/discharge
  // current multipliers, 1 unless the claim hook sets them per product.
  double input_voltage = 1.0;
  double output_voltage = 1.0;
  double charge_current = 1.0;
  double discharge_current = 1.0;
};

// MGE/Eaton's per-device state (NUT's mge-hid.c statics): the first nominal output voltage
// seen decides which others are accepted; Advanced Battery Monitoring decides whether the
// Charging/Discharging bits reach ups.status (unknown until an ABMEnable row reads it).
struct MgeState {
  // NUT's mge_type (models_type_t): MGE_DEFAULT until the model name table says otherwise
  // (mge-hid.c:151); the converters look at its series byte (type & 0xff00).
  int type = kMgeDefault;
  static constexpr int kMgeDefault = 0x200;
  // NUT's country_code (mge-hid.c:164): UPS.PowerSummary.Country, -1 until read; 0 is Europe.
  long country = -1;
  long nominal_output_voltage = -1;
  int abm = -1;  // -1 unknown, 0 disabled, 1 enabled
  // Which ABM usage the device reports its charger state on (NUT's advanced_battery_path):
  // the numbering of the states differs between the two.
  enum class AbmPath { kUnknown, kMode, kStatus } abm_path = AbmPath::kUnknown;
};

// Belkin/Liebert's correction factors (belkin-hid.c liebert_config_voltage_mult and
// liebert_line_voltage_mult, NUT's statics): some Liebert units report voltages with a broken
// exponent; the first such tiny reading picks the factor, kept for the device.
struct LiebertScales {
  double config_voltage = 1.0;
  double line_voltage = 1.0;
};

// A cached report's bytes, report ID first (NUT's reportbuf->data[id]); empty when the device
// has no such report. The ever_* converters read whole vendor reports through it.
using ReportBytes = std::function<std::span<const std::uint8_t>(std::uint8_t report_id)>;

// EVER's per-device state (ever-hid.c's static report_counter of ever_ip_address_fun and
// ever_packets_fun): each call reads the next of four reports, in turn.
struct EverState {
  int ip_counter = 1;
  int packets_counter = 1;
};

// NUT's models_type_t value of a name (mge-hid.c:123-147: "MGE_PEGASUS" is 0x100, ...);
// nullopt for a name NUT does not define.
std::optional<int> mge_model_type(std::string_view nut_name);

// PowerCOM's battery voltage (powercom-hid.c:432 powercom_hack_voltage, NUT's static
// last_valid): the last reading of Report 0xa4 that parsed, "0.0" before the first.
struct PowercomState {
  std::string last_voltage = "0.0";
};

class StatusBits;

// What a converter may look at besides the value.
struct ConverterContext {
  const StringLookup* strings = nullptr;
  const UpsState* state = nullptr;
  BatteryScale* battery_scale = nullptr;
  CpsFrequencyScale* cps_frequency = nullptr;
  const DeviceScales* scales = nullptr;
  MgeState* mge = nullptr;
  LiebertScales* liebert = nullptr;
  const ReportBytes* report_bytes = nullptr;
  EverState* ever = nullptr;
  const StatusBits* status = nullptr;  // the status bits collected so far (NUT's ups_status_get)
  const ModelOptions* options = nullptr;  // the driver options (NUT's getval: ondelay, offdelay)
  PowercomState* powercom = nullptr;
  // What some mge-hid.c conversions do besides converting (2.8.5's ECO/bypass checks): set
  // another variable (NUT's dstate_setinfo; nullptr outside a walk) and add a word to
  // experimental.ups.mode.buzzwords (NUT's buzzmode_set).
  UpsState* side_state = nullptr;
  std::vector<std::string>* buzzwords = nullptr;
  // SETs a reverse conversion asks for before its own write (NUT's setvar() called from a nuf:
  // mge-hid.c's eaton_input_eco_mode_auto_on_off_nuf), as [variable, value]; nullptr: none.
  std::vector<std::pair<std::string, std::string>>* setvars = nullptr;
};

// One named converter (NUT's info_lkp_t fun/nuf pair), for what a lookup table cannot say.
// Mappings name it (`{converter: date}`); docs/mappings.md lists the registry (a test checks).
struct Converter {
  std::string_view name;      // as mappings spell it
  std::string_view nut_name;  // NUT's function, for readers of NUT's source
  std::optional<std::string> (*to_nut)(double value, ConverterContext& context);
  // NUT text -> HID value; nullptr when NUT has none (setvar then matches the lookup's
  // `values:` texts, else writes -1). Empty text is NUT's NULL value (a command row without one).
  // NaN refuses the text (NUT 2.8.5's errno EINVAL): CONVERSION-FAILED, nothing written.
  double (*to_hid)(std::string_view text, const ConverterContext& context);
  std::string_view doc;  // one line: what HID -> NUT does
  // A report the converter reads besides its row's item, through ConverterContext.report_bytes
  // (0: none). NUT's powercom_hack_voltage GETs Report 0xa4 itself; here the model asks the
  // driver to GET it, `own_report_length` bytes, in every walk that reads a row of this converter.
  std::uint8_t own_report = 0;
  std::size_t own_report_length = 0;
};

// The registry, in documentation order.
std::span<const Converter> converters();
// nullptr for a name the registry does not hold.
const Converter* find_converter(std::string_view name);

// HID value -> NUT text through a lookup (NUT's hu_find_infoval): a table matches on the value
// truncated to long; nullopt when nothing matches (NUT then leaves the variable alone).
std::optional<std::string> lookup_to_nut(const Lookup& lookup, double value,
                                         ConverterContext& context);
// NUT text -> HID value (NUT's hu_find_valinfo): the reverse converter, or the first table
// entry with exactly that text; NaN when neither exists (CONVERSION-FAILED, nothing written,
// as NUT 2.8.5; 2.8.0 wrote -1).
double lookup_to_hid(const Lookup& lookup, std::string_view text,
                     const ConverterContext& context = ConverterContext{});

// Whether `format` is safe and meaningful for one double: any text with exactly one
// %[flags][width][.precision] conversion among f F e E g G, and "%%" escapes.
bool is_numeric_format(std::string_view format);
// printf(format, value). REQUIRES: is_numeric_format(format).
std::string format_number(std::string_view format, double value);

}  // namespace walnut::mapping
