// HID value <-> NUT text conversions, each one as NUT 2.8.0 computes it (usbhid-ups.c,
// apc-hid.c, cps-hid.c), including the fixed buffer sizes that cut NUT's strings.
#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/status.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <limits>

namespace walnut::mapping {
namespace {

// C's (long)value without its undefined behaviour outside long's range.
long to_long(double value) {
  if (std::isnan(value)) return 0;
  if (value >= 9.2e18) return std::numeric_limits<long>::max();
  if (value <= -9.2e18) return std::numeric_limits<long>::min();
  return static_cast<long>(value);
}

// snprintf into a buffer of `size` bytes, as NUT's static buffers cut their strings.
template <typename... Args>
std::string bounded(std::size_t size, const char* format, Args... args) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), std::min(size, buffer.size()), format, args...);
  return std::string(buffer.data());
}

std::string date_to_nut(double value) {
  long v = to_long(value);
  if (v == 0) return "not set";
  // Negative values are pre-1980 dates; >> on a negative long is arithmetic here, as in NUT.
  long year = 1980 + (v >> 9);
  long month = (v >> 5) & 0x0f;
  long day = v & 0x1f;
  return bounded(32, "%04ld/%02ld/%02ld", year, month, day);
}

// NUT's sscanf("%04ld/%02ld/%02ld"), reading at most `width` digits per field.
bool scan_date(std::string_view text, long& year, long& month, long& day) {
  std::string copy(text);
  int n = std::sscanf(copy.c_str(), "%4ld/%2ld/%2ld", &year, &month, &day);
  return n == 3;
}

double date_to_hid(std::string_view text, const ConverterContext&) {
  long year = 0, month = 0, day = 0;
  // NUT reads uninitialised fields when the text does not parse; we write 0 ("not set").
  if (!scan_date(text, year, month, day)) return 0;
  if (year - 1980 > 127 || month > 12 || day > 31) return 0;
  return static_cast<double>(((year - 1980) << 9) + (month << 5) + day);
}

// APC writes dates as hexadecimal digits read as decimal: 0x102202 is 2002/10/22.
std::string apc_date_to_nut(double value) {
  long v = to_long(value);
  if (v == 0) return "not set";
  int year = static_cast<int>((v & 0xf) + 10 * ((v >> 4) & 0xf));
  int month = static_cast<int>(((v >> 16) & 0xf) + 10 * ((v >> 20) & 0xf));
  int day = static_cast<int>(((v >> 8) & 0xf) + 10 * ((v >> 12) & 0xf));
  year += year >= 70 ? 1900 : 2000;
  return bounded(20, "%04d/%02d/%02d", year, month, day);
}

double apc_date_to_hid(std::string_view text, const ConverterContext&) {
  long year = 0, month = 0, day = 0;
  if (!scan_date(text, year, month, day)) return 0;
  if (year >= 2070 || month > 12 || day > 31) return 0;
  year %= 100;
  long date = ((year / 10 & 0x0F) << 4) + (year % 10);
  date += ((month / 10 & 0x0F) << 20) + ((month % 10) << 16);
  date += ((day / 10 & 0x0F) << 12) + ((day % 10) << 8);
  return static_cast<double>(date);
}

// openups-hid.c:84-122 therm_tbl (the thermistor reading at -40, -35, ... 125 °C) and
// openups_temperature_fun (openups-hid.c:230): exact points give whole degrees, others interpolate.
std::string openups_temperature_to_nut(double value) {
  static constexpr std::array<unsigned, 34> kTable = {
      0x31,  0x40,  0x53,  0x68,  0x82,  0xA0,  0xC3,  0xE9,  0x113, 0x13F, 0x16E, 0x19F,
      0x1CF, 0x200, 0x22F, 0x25C, 0x286, 0x2AE, 0x2D3, 0x2F4, 0x312, 0x32D, 0x345, 0x35A,
      0x36D, 0x37E, 0x38C, 0x399, 0x3A5, 0x3AF, 0x3B7, 0x3BF, 0x3C6, 0x3CC};
  const double scaled = value * 100;
  const unsigned thermistor = scaled <= 0 ? 0u : scaled >= 4294967295.0 ? 4294967295u : static_cast<unsigned>(scaled);
  if (thermistor <= kTable.front()) return "-40";
  if (thermistor >= kTable.back()) return "125";
  std::size_t pos = 0;
  for (std::size_t i = kTable.size(); i-- > 0;) {
    if (thermistor >= kTable[i]) {
      pos = i;
      break;
    }
  }
  const int t1 = static_cast<int>(pos) * 5 - 40;
  if (thermistor == kTable[pos]) return std::to_string(t1);
  const int t2 = t1 + 5;
  const double temp = static_cast<double>(thermistor - kTable[pos]) * (t2 - t1) / (kTable[pos + 1] - kTable[pos]) + t1;
  return bounded(20, "%.2f", temp);
}

// powercom-hid.c (2.8.5) reads its delays as uint16_t i = value.
unsigned powercom_word(double value) { return static_cast<unsigned>(to_long(value)) & 0xFFFFu; }

// powercom-hid.c:97-200 (2.8.5): a command's delay comes from its value, else the ondelay or
// offdelay option, else the published variable, else NUT's default; C's atoi on each.
long powercom_delay(std::string_view text, const ConverterContext& c, bool start, long fallback) {
  auto atoi_of = [](std::string_view t) { return std::atol(std::string(t).c_str()); };
  if (!text.empty()) return atoi_of(text);
  const std::optional<std::string>* option = nullptr;
  if (c.options != nullptr) option = start ? &c.options->ondelay : &c.options->offdelay;
  if (option != nullptr && *option && !(*option)->empty()) return atoi_of(**option);
  const std::string* published = c.state ? c.state->value(start ? "ups.delay.start" : "ups.delay.shutdown") : nullptr;
  if (published != nullptr && !published->empty()) return atoi_of(*published);
  return fallback;
}

// powercom_shutdown_nuf / powercom_stayoff_nuf (powercom-hid.c:177, 244; 2.8.5 byte order, NUT
// commit 05b340982): minutes in the high byte, seconds in the low one, plus the restart flag.
double powercom_shutdown_word(std::string_view text, const ConverterContext& c, unsigned restart_flag) {
  const long seconds = powercom_delay(text, c, false, 60);
  if (seconds < 0 || seconds > 0xFFFF) return 0;
  const unsigned val = seconds == 0 ? 1u : static_cast<unsigned>(seconds);
  return static_cast<double>((((val / 60) << 8) + (val % 60)) | restart_flag);
}

// A status word packed in a vendor byte (powercom-hid.c:308-423, belkin-hid.c:302-400): `word`
// when (value & mask) == match, else `cleared`.
std::optional<std::string> masked_word(double value, long mask, long match, const char* word, const char* cleared) {
  return std::string((to_long(value) & mask) == match ? word : cleared);
}

// belkin-hid.c:171 liebert_config_voltage_fun: a ConfigVoltage of 1e-7 means the unit's exponent
// is broken by 1e8 (and its line voltages by 1e7); other values below 1 are left alone.
std::string liebert_config_voltage_to_nut(double value, LiebertScales& scales) {
  if (value < 1 && std::fabs(value - 1e-7) < 1e-9) {
    scales.config_voltage = 1e8;
    scales.line_voltage = 1e7;
  }
  return bounded(10, "%.1f", value * scales.config_voltage);
}

// belkin-hid.c:194 liebert_line_voltage_fun (2.8.5, NUT commit c0b0c040d): readings below 1
// near 1e-5 are scaled by 1e7, near 1e-3 by 1e5; the factor stays for later readings.
std::string liebert_line_voltage_to_nut(double value, LiebertScales& scales) {
  if (value < 1) {
    if (std::fabs(value - 1e-5) < 4 * 1e-5) scales.line_voltage = 1e7;
    else if (std::fabs(value - 1e-3) < 4 * 1e-3) scales.line_voltage = 1e5;
  }
  return bounded(10, "%.1f", value * scales.line_voltage);
}

// The converters without a device (unit tests, setvar's reverse) keep their state here.
LiebertScales& liebert_of(ConverterContext& c) {
  static LiebertScales none;
  return c.liebert != nullptr ? *c.liebert : none;
}

// ever-hid.c (2.8.5) :87-326: the EVER converters (and PowerCOM's voltage) ignore the value and
// read a whole vendor report from the cache (missing bytes read as 0, where NUT would read past its buffer).
std::span<const std::uint8_t> cached_report(const ConverterContext& c, std::uint8_t id) {
  return c.report_bytes != nullptr && *c.report_bytes ? (*c.report_bytes)(id) : std::span<const std::uint8_t>();
}

unsigned ever_byte(std::span<const std::uint8_t> bytes, std::size_t i) { return i < bytes.size() ? bytes[i] : 0u; }

// "a:b:c" of a report's bytes after its ID, printf(`format`) each (ever_mac_address_fun's "%02x"
// with ":", ever_ip_address_fun's "%d" with "."), in NUT's 100-byte line.
std::string ever_joined(std::span<const std::uint8_t> bytes, const char* format, char separator) {
  std::string line;
  for (std::size_t i = 1; i < bytes.size(); ++i) {
    if (i > 1) line += separator;
    line += bounded(8, format, static_cast<unsigned>(bytes[i]));
  }
  return line.substr(0, 99);
}

// The next of four reports, in turn (NUT's static report_counter).
std::uint8_t ever_next(int& counter, const std::array<std::uint8_t, 4>& ids) {
  const std::uint8_t id = ids[static_cast<std::size_t>(counter - 1)];
  counter = counter == 4 ? 1 : counter + 1;
  return id;
}

EverState& ever_of(ConverterContext& c) {
  static EverState none;
  return c.ever != nullptr ? *c.ever : none;
}

// ever_messages_fun / ever_alarms_fun: the words of the set bits of a 16-bit report word.
std::string ever_words(unsigned word, std::initializer_list<std::pair<unsigned, const char*>> bits) {
  std::string line;
  for (const auto& [mask, text] : bits) {
    if (!(word & mask)) continue;
    if (!line.empty()) line += ' ';
    line += text;
  }
  return line.substr(0, 199);
}

// Some HP units report Celsius already: only 273..373 is taken as Kelvin.
std::string kelvin_celsius_to_nut(double value) {
  if (value >= 273 && value <= 373) return bounded(20, "%.1f", value - 273.15);
  return bounded(20, "%.1f", value);
}

std::optional<std::string> stringid_to_nut(double value, const ConverterContext& context) {
  int index = static_cast<int>(to_long(value));
  // NUT refuses indexes outside the USB string index range (lookup fails, var left alone).
  if (index < 0 || index > 255) return std::nullopt;
  std::string text;
  if (index != 0 && context.strings != nullptr && *context.strings) {
    text = (*context.strings)(index).value_or("");
  }
  // NUT reads into a 20-byte buffer and trims trailing newlines.
  if (text.size() > 19) text.resize(19);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string cps_battvolt_to_nut(double value, ConverterContext& context) {
  BatteryScale* scale = context.battery_scale;
  double factor = 1.0;
  if (scale != nullptr) {
    if (scale->might_need && !scale->checked && context.state != nullptr) {
      const std::string* nominal = context.state->value("battery.voltage.nominal");
      double nominal_value = nominal ? std::strtod(nominal->c_str(), nullptr) : 0.0;
      if (nominal != nullptr && nominal_value != 0.0) {
        if (value / nominal_value > 1.4) scale->factor = 2.0 / 3;
        scale->checked = true;
      }
    }
    factor = scale->factor;
  }
  return bounded(8, "%.1f", factor * value);
}

// NUT's d_equal (common.h): equal within DBL_EPSILON.
bool d_equal(double a, double b) { return std::fabs(a - b) <= std::numeric_limits<double>::epsilon(); }

// A published variable read with strtod, 0 when absent (NUT's dstate_getinfo + strtod).
double published_number(const UpsState* state, const std::string& name) {
  const std::string* text = state != nullptr ? state->value(name) : nullptr;
  return text != nullptr ? std::strtod(text->c_str(), nullptr) : 0.0;
}

// cps_adjust_frequency_scale (v2.8.5 drivers/cps-hid.c:102-204, NUT commit 75efd0c5e): the limits
// are the published nominal/low/high (defaults and overrides count), a missing nominal is guessed
// 50 or 60 Hz from the limits or the reading (as Hz or as 0.1 Hz), missing limits are nominal
// ±5 % (45..65 Hz without a nominal). A reading inside them is scale 1, a tenth of it inside them
// 0.1; either settles the direction, anything else is tried again on the next reading.
void cps_adjust_frequency_scale(double report, const UpsState* state, const std::string& prefix,
                                bool& checked, double& scale) {
  if (checked) return;
  double nominal = published_number(state, prefix + ".frequency.nominal");
  double low = published_number(state, prefix + ".frequency.low");
  double high = published_number(state, prefix + ".frequency.high");
  if (d_equal(nominal, 0)) {
    if (45 < low && low <= 50) nominal = 50;
    else if (50 <= high && high <= 55) nominal = 50;
    else if (45 < report && report <= 55) nominal = 50;
    else if (450 < report && report <= 550) nominal = 50;
    else if (55 < low && low <= 60) nominal = 60;
    else if (60 <= high && high <= 65) nominal = 60;
    else if (55 < report && report <= 65) nominal = 60;
    else if (550 < report && report <= 650) nominal = 60;
  }
  if (d_equal(low, 0)) low = d_equal(nominal, 0) ? 45.0 : nominal * 0.95;
  if (d_equal(high, 0)) high = d_equal(nominal, 0) ? 65.0 : nominal * 1.05;
  if (low <= report && report <= high) {
    scale = 1.0;
    checked = true;
  } else if (low <= report / 10.0 && report / 10.0 <= high) {
    scale = 0.1;
    checked = true;
  }
}

// cps_input_freq_fun / cps_output_freq_fun (cps-hid.c:208, 228): "%.1f" of the scaled value in
// NUT's 8-byte buffer; only devices claimed with cps_battery_scale (0764:0501) are ever scaled.
std::string cps_frequency_to_nut(double value, ConverterContext& context, bool input) {
  CpsFrequencyScale* s = context.cps_frequency;
  double factor = 1.0;
  if (s != nullptr) {
    if (s->might_need) {
      cps_adjust_frequency_scale(value, context.state, input ? "input" : "output",
                                 input ? s->input_checked : s->output_checked, input ? s->input : s->output);
    }
    factor = input ? s->input : s->output;
  }
  return bounded(8, "%.1f", factor * value);
}

// AVR 550U (1003) and OMNI1000LCD (2005) firmware give a bad chemistry string index.
std::optional<std::string> tripplite_chemistry_to_nut(double value, const ConverterContext& context) {
  const std::string* product = context.state ? context.state->value("ups.productid") : nullptr;
  if (product != nullptr && (*product == "1003" || *product == "2005")) return "unknown";
  return stringid_to_nut(value, context);
}

// Tripp Lite's scaled values print "%.1f" into 8-byte buffers (7 characters kept).
std::string scaled(double factor, double value) { return bounded(8, "%.1f", factor * value); }

// Eaton's ups.realpower estimate (eaton_compute_realpower_fun): load% x nominal VA x power
// factor, each read back from the published text with atoi as NUT does (so a published
// output.powerfactor of "0.80" counts as 0).
std::optional<std::string> eaton_realpower_to_nut(const ConverterContext& context) {
  if (context.state == nullptr) return std::nullopt;
  const std::string* load = context.state->value("ups.load");
  const std::string* nominal = context.state->value("ups.power.nominal");
  if (load == nullptr || nominal == nullptr) return std::nullopt;
  const std::string* factor_text = context.state->value("output.powerfactor");
  // NUT keeps the factor in a float: 0.8f, not 0.8, can decide the rounding.
  const float factor = factor_text ? static_cast<float>(std::atoi(factor_text->c_str())) : 0.80f;
  double realpower = std::round(std::atoi(load->c_str()) * 0.01 * std::atoi(nominal->c_str()) * factor);
  return bounded(20, "%.0f", realpower);
}

bool is_low_voltage(long v) { return v == 100 || v == 110 || v == 120 || v == 127; }
bool is_208(long v) { return v == 200 || v == 208; }
bool is_230(long v) { return v == 220 || v == 230 || v == 240; }

// nominal_output_voltage_fun (mge-hid.c:1421): the first value seen is the model's nominal;
// later values must belong to the same family. Line-interactive and online models (NUT's
// mge_type at or above MGE_DEFAULT, the default for models outside mge_model_names) take any
// high voltage after a high one; offline ones keep 200/208 apart from 220/230/240.
std::optional<std::string> mge_nominal_output_voltage_to_nut(double value, ConverterContext& context) {
  MgeState fallback;
  MgeState& mge = context.mge ? *context.mge : fallback;
  if (mge.nominal_output_voltage < 0) mge.nominal_output_voltage = to_long(value);
  const long nominal = mge.nominal_output_voltage;
  const long v = to_long(value);
  const bool offline = (mge.type & 0xff00) < MgeState::kMgeDefault;
  if (is_low_voltage(nominal) && !is_low_voltage(v)) return std::nullopt;
  if ((is_208(nominal) || is_230(nominal)) && !is_208(v) && !is_230(v)) return std::nullopt;
  if (offline && is_208(nominal) && !is_208(v)) return std::nullopt;
  if (offline && is_230(nominal) && !is_230(v)) return std::nullopt;
  return bounded(20, "%.0f", value);
}

// mge-hid.c:123-147 (2.8.5) models_type_t: the model series of mge_model_names, by NUT's name.
// The numbered models follow their series' value (MGE_EVOLUTION_650 is 0x301, ...).
constexpr std::pair<std::string_view, int> kMgeModelTypes[] = {
    {"MGE_DEFAULT_OFFLINE", 0},        {"MGE_PEGASUS", 0x100},         {"MGE_3S", 0x110},
    {"MGE_DEFAULT", 0x200},            {"MGE_EVOLUTION", 0x300},       {"MGE_EVOLUTION_650", 0x301},
    {"MGE_EVOLUTION_850", 0x302},      {"MGE_EVOLUTION_1150", 0x303},  {"MGE_EVOLUTION_S_1250", 0x304},
    {"MGE_EVOLUTION_1550", 0x305},     {"MGE_EVOLUTION_S_1750", 0x306}, {"MGE_EVOLUTION_2000", 0x307},
    {"MGE_EVOLUTION_S_2500", 0x308},   {"MGE_EVOLUTION_S_3000", 0x309}, {"MGE_PULSAR_M", 0x400},
    {"MGE_PULSAR_M_2200", 0x401},      {"MGE_PULSAR_M_3000", 0x402},   {"MGE_PULSAR_M_3000_XL", 0x403},
    {"EATON_5P", 0x500},               {"EATON_9E", 0x900}};
constexpr int kMgeEvolution650 = 0x301;

// mge_battery_voltage_fun / mge_battery_voltage_nominal_fun (mge-hid.c:669-719): only the
// Evolution, Pulsar M, 5P and 9E series report the battery on UPS.PowerSummary; the others
// publish nothing from it.
bool mge_battery_on_power_summary(const ConverterContext& context) {
  const int series = (context.mge ? context.mge->type : MgeState::kMgeDefault) & 0xff00;
  return series == 0x300 || series == 0x400 || series == 0x500 || series == 0x900;
}

std::optional<std::string> mge_battery_voltage_nominal_to_nut(double value, const ConverterContext& context) {
  if (!mge_battery_on_power_summary(context)) return std::nullopt;
  if (context.mge->type == kMgeEvolution650) value = 12.0;  // mge-hid.c:674
  return bounded(20, "%.0f", value);
}

// eaton_check_pegasus_fun / pegasus_yes_no_info_fun (mge-hid.c:806-880): Protection Station,
// Ellipse ECO and 3S. NUT switches on mge_type & 0xff00, so MGE_3S (0x110) counts as
// MGE_PEGASUS (0x100) and its "non-European only" case is never reached: a 3S 700/750 is
// Pegasus whatever UPS.PowerSummary.Country says.
bool mge_is_pegasus(const ConverterContext& context) {
  const int series = (context.mge ? context.mge->type : MgeState::kMgeDefault) & 0xff00;
  if (series == 0x100) return true;
  if (series == 0x110) return context.mge != nullptr && context.mge->country != 0;  // unreachable, as in NUT
  return false;
}

// mge_date_conversion_fun / mge_time_conversion_fun (mge-hid.c:585-611): UPS.PowerSummary.Time
// is Unix time, published as local date and time; nothing when strftime gives another length.
std::optional<std::string> mge_local_time(double value, const char* format, std::size_t length) {
  const std::time_t seconds = static_cast<std::time_t>(to_long(value));
  std::tm tm{};
  if (localtime_r(&seconds, &tm) == nullptr) return std::nullopt;
  std::array<char, 20> buffer{};  // mge_scratch_buf
  if (std::strftime(buffer.data(), buffer.size(), format, &tm) != length) return std::nullopt;
  return std::string(buffer.data(), length);
}

// mge_date_conversion_nuf / mge_time_conversion_nuf (mge-hid.c:613-641): the new date (or
// time) with the published time (or date), in NUT's 20-byte buffer, read back as local time;
// 0 when it does not parse. NUT leaves tm_isdst unset; here mktime decides it.
double mge_local_time_to_hid(std::string_view text, const ConverterContext& context, bool text_is_date) {
  const std::string* other = context.state ? context.state->value(text_is_date ? "ups.time" : "ups.date") : nullptr;
  const std::string other_text = other ? *other : "(null)";  // glibc's printf of NUT's NULL
  std::string line = text_is_date ? std::string(text) + " " + other_text : other_text + " " + std::string(text);
  if (line.size() > 19) line.resize(19);
  std::tm tm{};
  if (strptime(line.c_str(), "%Y/%m/%d %H:%M:%S", &tm) == nullptr) return 0;
  tm.tm_isdst = -1;
  return static_cast<double>(std::mktime(&tm));
}

// eaton_abm_check_(dis)chrg_fun: the bit reaches ups.status only while ABM is known to be
// disabled; otherwise the status word is cleared.
std::string eaton_abm_status(double value, const ConverterContext& context, const char* word) {
  const bool abm_disabled = context.mge != nullptr && context.mge->abm == 0;
  if (abm_disabled && value == 1) return word;
  return std::string("!") + word;
}

// eaton_abm_enabled_fun: remembers whether ABM is on (1), off (0) or unknown; publishes nothing.
std::optional<std::string> eaton_abm_enabled_to_nut(double value, ConverterContext& context) {
  if (context.mge != nullptr) {
    const long v = to_long(value);
    context.mge->abm = v == 0 || v == 1 ? static_cast<int>(v) : -1;
  }
  return std::nullopt;
}

// eaton_abm_path_{mode,status}_fun: the first ABM usage read while ABM is on becomes the path
// the charger state is read from; ABM off or unknown forgets it. Publishes nothing.
std::optional<std::string> eaton_abm_path_to_nut(ConverterContext& context, MgeState::AbmPath path) {
  if (context.mge == nullptr) return std::nullopt;
  MgeState& mge = *context.mge;
  if (mge.abm != 1) {
    mge.abm_path = MgeState::AbmPath::kUnknown;
  } else if (mge.abm_path == MgeState::AbmPath::kUnknown) {
    mge.abm_path = path;
  }
  return std::nullopt;
}

// The charger state NUT reads for an ABM value: Charger.Status numbers them charging,
// floating, resting, discharging; Charger.Mode (and any unknown path) charging, discharging,
// floating, resting; 6 is "off" on both, 5 (ABM not activated) and others nothing.
const char* eaton_abm_state(double value, const ConverterContext& context) {
  if (context.mge == nullptr || context.mge->abm != 1) return nullptr;
  static constexpr const char* kStatusPath[] = {nullptr, "charging", "floating", "resting", "discharging", nullptr, "off"};
  static constexpr const char* kModePath[] = {nullptr, "charging", "discharging", "floating", "resting", nullptr, "off"};
  const long v = to_long(value);
  if (v < 1 || v > 6) return nullptr;
  return context.mge->abm_path == MgeState::AbmPath::kStatus ? kStatusPath[v] : kModePath[v];
}

// eaton_abm_chrg_dischrg_fun: while ABM is on, charging and floating count as CHRG,
// discharging as DISCHRG; the other states leave the bits alone.
std::optional<std::string> eaton_abm_chrg_dischrg_to_nut(double value, const ConverterContext& context) {
  const char* state = eaton_abm_state(value, context);
  if (state == nullptr) return std::nullopt;
  const std::string_view s = state;
  if (s == "charging" || s == "floating") return "chrg";
  if (s == "discharging") return "dischrg";
  return std::nullopt;
}

// eaton_converter_online_fun: the converter's "used" bit says online only while the UPS is
// not OFF (the Good row, read before it, decides OFF).
std::optional<std::string> eaton_converter_online_to_nut(double value, const ConverterContext& context) {
  if (context.status != nullptr && context.status->test(kOff)) return std::nullopt;
  return value == 0 ? "!online" : "online";
}

std::optional<std::string> hex_to_nut(double value, ConverterContext&) {
  return bounded(20, "%08lx", static_cast<unsigned long>(to_long(value)));
}
std::optional<std::string> divide_by_10_to_nut(double value, ConverterContext&) {
  return bounded(20, "%0.1f", value * 0.1);
}
std::optional<std::string> cps_battcharge_to_nut(double value, ConverterContext&) {
  return bounded(8, "%.0f", value < 100.0 ? value : 100.0);
}
// NUT 2.8.5's cps_battstatus_fun (v2.8.5 drivers/cps-hid.c:313, commit cc00bbf44): the full
// charge capacity, taken to be a percentage as battery.charge is.
std::optional<std::string> cps_battstatus_to_nut(double value, ConverterContext&) {
  return bounded(8, "%.0f%%", value);
}
// powercom_hack_voltage (powercom-hid.c:432-494, 2.8.5, NUT commit 443cb4048, #2766): the row's
// value (ACPresent) is ignored; Report 0xa4 holds ASCII after its ID (" 13.7 2"): the first run
// of digits and dots, kept only if it has a dot, else the last such reading ("0.0" at first).
// NUT retries the GET up to five times 100 ms apart until the first valid reading; here the
// report is read once per walk.
std::optional<std::string> powercom_report_voltage_to_nut(const ConverterContext& context) {
  static PowercomState none;
  PowercomState& state = context.powercom != nullptr ? *context.powercom : none;
  const std::span<const std::uint8_t> bytes = cached_report(context, 0xa4);
  std::string text;
  for (std::size_t i = 1; i < bytes.size() && i < 8 && bytes[i] != 0; ++i) text += static_cast<char>(bytes[i]);
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  std::size_t start = 0;
  while (start < text.size() && !digit(text[start]) && text[start] != '.') ++start;
  std::size_t end = start;
  while (end < text.size() && (digit(text[end]) || text[end] == '.')) ++end;
  const std::string value = text.substr(start, end - start);
  if (!value.empty() && value.find('.') != std::string::npos) state.last_voltage = value;
  return state.last_voltage;
}

// NUT's str_to_double(dstate_getinfo(name), .., 10): 0 when absent or not strictly a number.
double published_number(const ConverterContext& c, std::string_view name) {
  const std::string* text = c.state ? c.state->value(name) : nullptr;
  if (text == nullptr) return 0;
  std::string s = *text;
  s.erase(0, s.find_first_not_of(" \t\n\r\f\v") == std::string::npos ? s.size() : s.find_first_not_of(" \t\n\r\f\v"));
  s.erase(s.find_last_not_of(" \t\n\r\f\v") + 1);
  if (s.empty() || s.find_first_not_of("-+.0123456789Ee") != std::string::npos) return 0;
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  return end != nullptr && *end == '\0' ? value : 0;
}

bool published(const ConverterContext& c, std::string_view name) { return c.state && c.state->value(name); }

void side_set(const ConverterContext& c, std::string_view name, std::string_view value) {
  if (c.side_state != nullptr) c.side_state->set_info(name, value);
}

void buzz(const ConverterContext& c, std::string_view word) {
  if (c.buzzwords == nullptr) return;
  for (const std::string& known : *c.buzzwords) {
    if (known == word) return;  // str_add_unique_token
  }
  c.buzzwords->emplace_back(word);
}

// eaton_input_eco_mode_check_range / eaton_input_bypass_check_range (mge-hid.c:897-1037,
// 1105-1230): whether the bypass voltage and frequency lie within the transfer limits (the
// published ones if set, else `default_low`/`default_high` of the nominal voltage and ±
// `default_range` % of the nominal frequency). The four measured/nominal values must be published.
enum class RangeCheck { kMissing, kInside, kOutside };
RangeCheck bypass_in_range(const ConverterContext& c, const char* low_name, const char* high_name, const char* range_name,
                           double default_low, double default_high, double default_range) {
  if (!published(c, "input.bypass.voltage") || !published(c, "input.bypass.frequency") ||
      !published(c, "output.voltage.nominal") || !published(c, "output.frequency.nominal")) {
    return RangeCheck::kMissing;
  }
  const double voltage = published_number(c, "input.bypass.voltage");
  const double frequency = published_number(c, "input.bypass.frequency");
  const double nominal_voltage = published_number(c, "output.voltage.nominal");
  const double nominal_frequency = published_number(c, "output.frequency.nominal");
  const double low = published_number(c, low_name), high = published_number(c, high_name);
  const double range = published_number(c, range_name);
  const double percent = range > 0 ? range : default_range;
  const double low_frequency = nominal_frequency - (nominal_frequency / 100 * percent);
  const double high_frequency = nominal_frequency + (nominal_frequency / 100 * percent);
  const double low_voltage = low > 0 && high > 0 ? low : nominal_voltage * default_low;
  const double high_voltage = low > 0 && high > 0 ? high : nominal_voltage * default_high;
  const bool inside = voltage >= low_voltage && voltage <= high_voltage && frequency >= low_frequency &&
                      frequency <= high_frequency;
  return inside ? RangeCheck::kInside : RangeCheck::kOutside;
}

// eaton_input_buzzwordmode_report (mge-hid.c:1049): 0 normal, 1 ECO when the bypass is within
// the ECO limits (5 % / ±5 % by default; else input.eco.switchable is set to "normal" and nothing
// is returned), 2 ESS.
std::optional<std::string> eaton_input_eco_mode_to_nut(double value, const ConverterContext& c) {
  switch (to_long(value)) {
    case 0:
      return "normal";
    case 1:
      switch (bypass_in_range(c, "input.transfer.eco.low", "input.transfer.eco.high",
                              "input.transfer.frequency.eco.range", 0.95, 1.05, 5)) {
        case RangeCheck::kInside:
          buzz(c, "vendor:mge-hid:ECO");
          return "ECO";
        case RangeCheck::kOutside:
          side_set(c, "input.eco.switchable", "normal");
          buzz(c, "vendor:mge-hid:normal");
          return std::nullopt;
        case RangeCheck::kMissing:
          side_set(c, "input.eco.switchable", "normal");
          return std::nullopt;
      }
      return std::nullopt;
    case 2:
      buzz(c, "vendor:mge-hid:ESS");
      return "ESS";
    default:
      return std::nullopt;
  }
}

// eaton_input_buzzwordmode_setvar_nuf (mge-hid.c:1073): another text is EINVAL, which 2.8.5's
// setvar answers with CONVERSION-FAILED without writing (usbhid-ups.c:1214-1218).
double eaton_input_eco_mode_to_hid(std::string_view text, const ConverterContext&) {
  if (text == "normal" || text == "vendor:mge-hid:normal") return 0;
  if (text == "ECO" || text == "vendor:mge-hid:ECO") return 1;
  if (text == "ESS" || text == "vendor:mge-hid:ESS") return 2;
  return std::numeric_limits<double>::quiet_NaN();
}

// eaton_input_bypass_check_range (mge-hid.c:1105): 0 disabled; 1 on when the bypass is within
// the bypass limits (-20 % / +15 %, ±10 % by default), else input.bypass.switch.off is set to
// "off" and nothing is returned.
std::optional<std::string> eaton_input_bypass_mode_on_to_nut(double value, const ConverterContext& c) {
  if (value == 0) return "disabled";
  if (value != 1) return std::nullopt;
  if (bypass_in_range(c, "input.transfer.bypass.low", "input.transfer.bypass.high",
                      "input.transfer.frequency.bypass.range", 0.8, 1.15, 10) == RangeCheck::kInside) {
    return "on";
  }
  side_set(c, "input.bypass.switch.off", "off");
  return std::nullopt;
}

// eaton_input_eco_mode_auto_on_off_nuf (mge-hid.c:1312-1360), the value of the commands
// experimental.bypass.ecomode.start ("1") and .stop (anything else). Start: with the bypass switch
// "disabled" and ECO "normal", both range checks run (their side effects only: nothing is written
// for them) and 1 is written, else 0. Stop: with input.bypass.switch.off "disabled" it is SET to
// "off", and with ECO "ECO" input.eco.switchable is SET to "normal", then 0 is written; either
// state otherwise writes 1. NUT's strcmp() of an absent variable crashes; here it just differs.
double eaton_input_eco_mode_auto_to_hid(std::string_view text, const ConverterContext& c) {
  auto is = [&c](std::string_view name, std::string_view expected) {
    const std::string* value = c.state ? c.state->value(name) : nullptr;
    return value != nullptr && *value == expected;
  };
  auto set = [&c](const char* name, const char* value) {
    if (c.setvars != nullptr) c.setvars->emplace_back(name, value);
  };
  if (text == "1") {
    if (!is("input.bypass.switch.on", "disabled")) return 0;
    eaton_input_bypass_mode_on_to_nut(1, c);
    if (!is("input.eco.switchable", "normal")) return 0;
    eaton_input_eco_mode_to_nut(1, c);
    return 1;
  }
  if (!is("input.bypass.switch.off", "disabled")) return 1;
  set("input.bypass.switch.off", "off");
  if (!is("input.eco.switchable", "ECO")) return 1;
  set("input.eco.switchable", "normal");
  buzz(c, "vendor:mge-hid:normal");
  return 0;
}

// pegasus_yes_no_info_nuf (mge-hid.c:864): "yes" (its first three letters) is 1 on Pegasus
// models; anything else, and every value on other models, is 0.
double pegasus_yes_no_to_hid(std::string_view text, const ConverterContext& context) {
  if (!mge_is_pegasus(context)) return 0;
  return text.substr(0, 3) == "yes" ? 1 : 0;
}

DeviceScales scales_of(const ConverterContext& context) {
  return context.scales ? *context.scales : DeviceScales{};
}

// The registry: each converter once, with the line docs/mappings.md shows for it.
const Converter kConverters[] = {
    {"date", "date_conversion",
     [](double v, ConverterContext&) -> std::optional<std::string> { return date_to_nut(v); }, date_to_hid,
     "packed `(year-1980)·512 + month·32 + day` → `YYYY/MM/DD`, 0 → `not set`"},
    {"apc_date", "apc_date_conversion",
     [](double v, ConverterContext&) -> std::optional<std::string> { return apc_date_to_nut(v); },
     apc_date_to_hid, "hex digits read as decimal, `0xMMDDYY` → `YYYY/MM/DD` (YY ≥ 70 → 19YY), 0 → `not set`"},
    {"hex", "hex_conversion", hex_to_nut, nullptr, "`%08lx`"},
    {"stringid", "stringid_conversion",
     [](double v, ConverterContext& c) { return stringid_to_nut(v, c); }, nullptr,
     "USB string descriptor of that index (cut to 19 bytes; \"\" if unreadable; none outside 0..255)"},
    {"divide_by_10", "divide_by_10_conversion", divide_by_10_to_nut, nullptr, "`%0.1f` of value/10"},
    {"kelvin_celsius", "kelvin_celsius_conversion",
     [](double v, ConverterContext&) -> std::optional<std::string> { return kelvin_celsius_to_nut(v); },
     nullptr, "−273.15 only for 273..373 (HP units report °C already), `%.1f`"},
    {"cps_battvolt", "cps_battvolt",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return cps_battvolt_to_nut(v, c); },
     nullptr, "×2/3 once the first reading exceeds 1.4 × `battery.voltage.nominal` (hook `cps_battery_scale`), `%.1f`"},
    {"cps_battcharge", "cps_battcharge", cps_battcharge_to_nut, nullptr, "clamped to 100, `%.0f`"},
    {"cps_battstatus", "cps_battstatus", cps_battstatus_to_nut, nullptr, "`%.0f%%` (`97%`): 2.8.5's"},
    {"cps_input_freq", "cps_input_freq_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return cps_frequency_to_nut(v, c, true); },
     nullptr, "`%.1f`, × 0.1 once a reading fits `input.frequency.nominal`/`.low`/`.high` (or 50/60 Hz ± 5 %) only as a tenth (hook `cps_battery_scale`): 2.8.5's"},
    {"cps_output_freq", "cps_output_freq_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return cps_frequency_to_nut(v, c, false); },
     nullptr, "as `cps_input_freq`, for `output.frequency.*`: 2.8.5's"},
    {"tripplite_chemistry", "tripplite_chemistry",
     [](double v, ConverterContext& c) { return tripplite_chemistry_to_nut(v, c); }, nullptr,
     "`unknown` for products 1003 and 2005, else `stringid`"},
    {"tripplite_battvolt", "tripplite_battvolt",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return scaled(scales_of(c).battery, v); },
     nullptr, "× the product's battery scale (claim hooks `tl_*`), `%.1f` cut to 7 characters"},
    {"tripplite_iovolt", "tripplite_iovolt",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return scaled(scales_of(c).io_voltage, v); },
     nullptr, "× the product's I/O voltage scale (claim hooks `tl_*`), `%.1f` cut to 7 characters"},
    {"tripplite_iofreq", "tripplite_iofreq",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return scaled(scales_of(c).io_frequency, v); },
     nullptr, "× the product's I/O frequency scale (claim hooks `tl_*`), `%.1f` cut to 7 characters"},
    {"tripplite_ioamp", "tripplite_ioamp",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return scaled(scales_of(c).io_current, v); },
     nullptr, "× the product's I/O current scale (claim hooks `tl_*`), `%.1f` cut to 7 characters"},
    {"eaton_realpower", "eaton_compute_realpower_fun",
     [](double, ConverterContext& c) { return eaton_realpower_to_nut(c); }, nullptr,
     "`round(atoi(ups.load) · 0.01 · atoi(ups.power.nominal) · pf)`, pf = atoi(`output.powerfactor`) if "
     "published else 0.8; nothing until both are published"},
    {"mge_nominal_output_voltage", "nominal_output_voltage_fun",
     [](double v, ConverterContext& c) { return mge_nominal_output_voltage_to_nut(v, c); }, nullptr,
     "`%.0f`, but the first value read fixes the family: after 100/110/120/127 only those; after a high "
     "voltage only 200..240, and on offline series (`model_names`) only 200/208 or only 220/230/240 (other "
     "first values: anything)"},
    {"eaton_abm_charging", "eaton_abm_check_chrg_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return eaton_abm_status(v, c, "chrg"); },
     nullptr, "`chrg` for 1 only while Advanced Battery Monitoring is known to be off, else `!chrg`"},
    {"eaton_abm_discharging", "eaton_abm_check_dischrg_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> { return eaton_abm_status(v, c, "dischrg"); },
     nullptr, "`dischrg` for 1 only while Advanced Battery Monitoring is known to be off, else `!dischrg`"},
    {"eaton_abm_enabled", "eaton_abm_enabled_fun", eaton_abm_enabled_to_nut, nullptr,
     "nothing published: remembers whether Advanced Battery Monitoring is on (1), off (0) or unknown"},
    {"eaton_abm_path_mode", "eaton_abm_path_mode_fun",
     [](double, ConverterContext& c) { return eaton_abm_path_to_nut(c, MgeState::AbmPath::kMode); }, nullptr,
     "nothing published: while ABM is on, the first ABM usage read (here Charger.Mode) becomes the ABM path"},
    {"eaton_abm_path_status", "eaton_abm_path_status_fun",
     [](double, ConverterContext& c) { return eaton_abm_path_to_nut(c, MgeState::AbmPath::kStatus); }, nullptr,
     "nothing published: while ABM is on, the first ABM usage read (here Charger.Status) becomes the ABM path"},
    {"eaton_abm_status", "eaton_abm_status_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       const char* state = eaton_abm_state(v, c);
       if (state == nullptr) return std::nullopt;
       return std::string(state);
     },
     nullptr,
     "while ABM is on: `charging`/`discharging`/`floating`/`resting`/`off`, numbered as the ABM path "
     "numbers them; nothing otherwise"},
    {"eaton_abm_chrg_dischrg", "eaton_abm_chrg_dischrg_fun",
     [](double v, ConverterContext& c) { return eaton_abm_chrg_dischrg_to_nut(v, c); }, nullptr,
     "while ABM is on: `chrg` for charging or floating, `dischrg` for discharging, else nothing"},
    {"eaton_converter_online", "eaton_converter_online_fun",
     [](double v, ConverterContext& c) { return eaton_converter_online_to_nut(v, c); }, nullptr,
     "`online` (non-zero) or `!online`, but nothing while the status has OFF"},
    {"mge_battery_voltage", "mge_battery_voltage_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       if (!mge_battery_on_power_summary(c)) return std::nullopt;
       return bounded(20, "%.1f", v);
     },
     nullptr, "`%.1f`, only on the Evolution, Pulsar M, 5P and 9E series (`model_names`); nothing on others"},
    {"mge_battery_voltage_nominal", "mge_battery_voltage_nominal_fun",
     [](double v, ConverterContext& c) { return mge_battery_voltage_nominal_to_nut(v, c); }, nullptr,
     "`%.0f`, only on the Evolution (650: always 12), Pulsar M, 5P and 9E series; nothing on others"},
    {"eaton_check_country", "eaton_check_country_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       if (c.mge != nullptr) c.mge->country = to_long(v);
       return std::nullopt;
     },
     nullptr, "nothing published: remembers the country code (0 Europe, 1 US, 2 Europe 208 V, ...)"},
    {"eaton_check_pegasus", "eaton_check_pegasus_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       if (!mge_is_pegasus(c)) return std::nullopt;
       return bounded(20, "%.0f", v);
     },
     nullptr, "`%.0f`, only on Pegasus models (Protection Station, Ellipse ECO, 3S 700/750); nothing on others"},
    {"pegasus_yes_no", "pegasus_yes_no_info_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       if (!mge_is_pegasus(c)) return std::nullopt;
       return std::string(v == 0 ? "no" : "yes");
     },
     pegasus_yes_no_to_hid, "`no` for 0 else `yes`, only on Pegasus models; nothing on others"},
    {"mge_date", "mge_date_conversion",
     [](double v, ConverterContext&) { return mge_local_time(v, "%Y/%m/%d", 10); },
     [](std::string_view text, const ConverterContext& c) { return mge_local_time_to_hid(text, c, true); },
     "Unix time → local `YYYY/MM/DD`"},
    {"mge_time", "mge_time_conversion",
     [](double v, ConverterContext&) { return mge_local_time(v, "%H:%M:%S", 8); },
     [](std::string_view text, const ConverterContext& c) { return mge_local_time_to_hid(text, c, false); },
     "Unix time → local `HH:MM:SS`"},
    {"eaton_input_eco_mode", "eaton_input_buzzwordmode_report",
     [](double v, ConverterContext& c) { return eaton_input_eco_mode_to_nut(v, c); }, eaton_input_eco_mode_to_hid,
     "0 `normal`, 2 `ESS`, 1 `ECO` while the bypass is within the ECO limits (else sets input.eco.switchable "
     "to `normal`); adds the mode to experimental.ups.mode.buzzwords"},
    {"eaton_input_bypass_mode_on", "eaton_input_bypass_check_range",
     [](double v, ConverterContext& c) { return eaton_input_bypass_mode_on_to_nut(v, c); }, nullptr,
     "0 `disabled`, 1 `on` while the bypass is within the bypass limits (else sets input.bypass.switch.off "
     "to `off`)"},
    {"eaton_input_eco_mode_auto", "eaton_input_eco_mode_auto_on_off_fun",
     [](double, ConverterContext&) -> std::optional<std::string> { return std::nullopt; },
     eaton_input_eco_mode_auto_to_hid,
     "command rows only: start (1) checks the bypass and ECO ranges and writes 1 (0 unless bypass switch "
     "`disabled` and ECO `normal`); stop SETs input.bypass.switch.off `off` and input.eco.switchable `normal` "
     "first, then writes 0"},
    {"mge_battery_capacity", "mge_battery_capacity_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%.2f", v / 3600); },
     nullptr, "ampere-seconds to ampere-hours, `%.2f` of value/3600"},
    {"legrand_times10", "legrand_times10",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%0.1f", v * 10); },
     nullptr, "`%0.1f` of value × 10"},
    {"legrand_times100k", "legrand_times100k",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%0.1f", v * 100000); },
     nullptr, "`%0.1f` of value × 100000 (cut to 19 characters)"},
    {"legrand_times1M", "legrand_times1M",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%0.1f", v * 1000000); },
     nullptr, "`%0.1f` of value × 1000000 (cut to 19 characters)"},
    {"legrand_times10M", "legrand_times10M",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%0.1f", v * 10000000); },
     nullptr, "`%0.1f` of value × 10000000 (cut to 19 characters)"},
    // delta_ups-hid.c:124 (delta_ups_type_fun): the low nibble; 3..5 step down by 2, 6 is split-phase.
    {"delta_ups_type", "delta_ups_type_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       static constexpr std::array<const char*, 5> kTypes = {"online", "offline", "line-interactive", "3-phase",
                                                             "split-phase"};
       int type = static_cast<int>(v) & 0xf;
       if (type == 6) type = 4;
       else if (2 < type && type <= 5) type -= 2;
       if (type < 0 || type > 4) return std::nullopt;
       return std::string(kTypes[static_cast<std::size_t>(type)]);
     },
     nullptr, "the UPS type from the low nibble (online, offline, line-interactive, 3-phase, split-phase)"},
    // openups-hid.c:180-262: status words for any non-zero value, the per-product scales of the
    // claim hook openups_voltage_multiplier, and the thermistor curve.
    {"openups_charging", "openups_charging_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return std::string(v != 0 ? "chrg" : "!chrg"); },
     nullptr, "`chrg` for any non-zero value, else `!chrg`"},
    {"openups_discharging", "openups_discharging_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       return std::string(v != 0 ? "dischrg" : "!dischrg");
     },
     nullptr, "`dischrg` for any non-zero value, else `!dischrg`"},
    {"openups_online", "openups_online_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return std::string(v != 0 ? "online" : "!online"); },
     nullptr, "`online` for any non-zero value, else `!online`"},
    {"openups_off", "openups_off_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return std::string(v != 0 ? "!off" : "off"); },
     nullptr, "`!off` for any non-zero value (Good), else `off`"},
    {"openups_vin", "openups_scale_vin_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       return bounded(20, "%.2f", v * scales_of(c).input_voltage);
     },
     nullptr, "`%.2f` of value × the product's input voltage scale (claim hook `openups_voltage_multiplier`)"},
    {"openups_vout", "openups_scale_vout_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       return bounded(20, "%.2f", v * scales_of(c).output_voltage);
     },
     nullptr, "`%.2f` of value × the product's output voltage scale (claim hook `openups_voltage_multiplier`)"},
    {"openups_ccharge", "openups_scale_ccharge_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       return bounded(20, "%.3f", v * scales_of(c).charge_current);
     },
     nullptr, "`%.3f` of value × the product's charge current scale (claim hook `openups_voltage_multiplier`)"},
    {"openups_cdischarge", "openups_scale_cdischarge_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       return bounded(20, "%.3f", v * scales_of(c).discharge_current);
     },
     nullptr, "`%.3f` of value × the product's discharge current scale (claim hook `openups_voltage_multiplier`)"},
    {"openups_temperature", "openups_temperature_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return openups_temperature_to_nut(v); },
     nullptr, "°C from the thermistor reading × 100 on openUPS's 5 °C table (-40 .. 125), interpolated `%.2f`"},
    // powercom-hid.c (2.8.5) :83-423: the delays NUT reads and writes in PowerCOM's own byte
    // layout, the ×4 voltages and the status words packed in two vendor bytes.
    {"powercom_startup", "powercom_startup_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       const unsigned i = powercom_word(v);
       return bounded(32, "%d", static_cast<int>(60 * (((i & 0x00FF) << 8) + (i >> 8))));
     },
     [](std::string_view text, const ConverterContext& c) -> double {
       const long minutes = powercom_delay(text, c, true, 120) / 60;
       if (minutes < 0 || minutes > 0xFFFFFFFFL) return 0;
       const unsigned val = static_cast<unsigned>(minutes) & 0xFFFFu;
       return static_cast<double>(((val << 8) & 0xFFFFu) + (val >> 8));
     },
     "minutes, byte-swapped, × 60 (write: the value, else ondelay, else ups.delay.start, in minutes, byte-swapped)"},
    {"powercom_shutdown", "powercom_shutdown_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       const unsigned i = powercom_word(v);
       return bounded(32, "%d", static_cast<int>(60 * (i >> 8) + (i & 0x00FF)));
     },
     [](std::string_view text, const ConverterContext& c) -> double { return powercom_shutdown_word(text, c, 0x0040); },
     "minutes (high byte) × 60 + seconds (write: the value, else offdelay, else ups.delay.shutdown, with restart)"},
    {"powercom_stayoff", "powercom_stayoff_nuf",
     [](double, ConverterContext&) -> std::optional<std::string> { return std::nullopt; },
     [](std::string_view text, const ConverterContext& c) -> double { return powercom_shutdown_word(text, c, 0x0080); },
     "write only: as `powercom_shutdown`, with restart disabled"},
    {"powercom_voltage", "powercom_voltage_conversion_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%0.0f", v * 4); },
     nullptr, "`%0.0f` of value × 4"},
    {"powercom_upsfail", "powercom_upsfail_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x01, 0x01, "fanfail", "!fanfail"); }, nullptr,
     "`fanfail` when bit 0 is set"},
    {"powercom_replacebatt", "powercom_replacebatt_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x02, 0x02, "replacebatt", "!replacebatt"); }, nullptr,
     "`replacebatt` when bit 1 is set"},
    {"powercom_test", "powercom_test_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x04, 0x04, "cal", "!cal"); }, nullptr,
     "`cal` when bit 2 is set"},
    {"powercom_shutdownimm", "powercom_shutdownimm_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x10, 0x10, "shutdownimm", "!shutdownimm"); }, nullptr,
     "`shutdownimm` when bit 4 is set"},
    {"powercom_online", "powercom_online_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x01, 0x00, "online", "!online"); }, nullptr,
     "`online` when bit 0 (line fail) is clear"},
    {"powercom_lowbatt", "powercom_lowbatt_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x02, 0x02, "lowbatt", "!lowbatt"); }, nullptr,
     "`lowbatt` when bit 1 is set"},
    {"powercom_trim", "powercom_trim_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x18, 0x08, "trim", "!trim"); }, nullptr,
     "`trim` when bits 4..3 are 01 (AVR, buck)"},
    {"powercom_boost", "powercom_boost_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x18, 0x18, "boost", "!boost"); }, nullptr,
     "`boost` when bits 4..3 are 11 (AVR, boost)"},
    {"powercom_report_voltage", "powercom_hack_voltage",
     [](double, ConverterContext& c) { return powercom_report_voltage_to_nut(c); }, nullptr,
     "ignores the value: the voltage in Report 0xa4's ASCII (`\" 13.7 2\"` → `13.7`, GET by the model, 8 bytes), "
     "else the last valid one (`0.0` at first)",
     0xa4, 8},
    {"powercom_overload", "powercom_overload_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x20, 0x20, "overload", "!overload"); }, nullptr,
     "`overload` when bit 5 is set"},
    // belkin-hid.c (2.8.5) :137-400: Liebert's status words for any non-zero value and its
    // voltage exponent fixes, Belkin's vendor bytes (firmware, UPS type, sensitivity, status bits).
    {"liebert_online", "liebert_online_fun",
     [](double v, ConverterContext&) { return masked_word(v != 0, 1, 1, "online", "!online"); }, nullptr,
     "`online` for any non-zero value, else `!online`"},
    {"liebert_discharging", "liebert_discharging_fun",
     [](double v, ConverterContext&) { return masked_word(v != 0, 1, 1, "dischrg", "!dischrg"); }, nullptr,
     "`dischrg` for any non-zero value, else `!dischrg`"},
    {"liebert_charging", "liebert_charging_fun",
     [](double v, ConverterContext&) { return masked_word(v != 0, 1, 1, "chrg", "!chrg"); }, nullptr,
     "`chrg` for any non-zero value, else `!chrg`"},
    {"liebert_lowbatt", "liebert_lowbatt_fun",
     [](double v, ConverterContext&) { return masked_word(v != 0, 1, 1, "lowbatt", "!lowbatt"); }, nullptr,
     "`lowbatt` for any non-zero value, else `!lowbatt`"},
    {"liebert_replacebatt", "liebert_replacebatt_fun",
     [](double v, ConverterContext&) { return masked_word(v != 0, 1, 1, "replacebatt", "!replacebatt"); }, nullptr,
     "`replacebatt` for any non-zero value, else `!replacebatt`"},
    {"liebert_shutdownimm", "liebert_shutdownimm_fun",
     [](double v, ConverterContext&) { return masked_word(v != 0, 1, 1, "shutdownimm", "!shutdownimm"); }, nullptr,
     "`shutdownimm` for any non-zero value, else `!shutdownimm`"},
    {"liebert_config_voltage", "liebert_config_voltage_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       return liebert_config_voltage_to_nut(v, liebert_of(c));
     },
     nullptr, "`%.1f`; a reading of 1e-7 sets the device's factors to 1e8 (and line voltages 1e7)"},
    {"liebert_line_voltage", "liebert_line_voltage_fun",
     [](double v, ConverterContext& c) -> std::optional<std::string> {
       return liebert_line_voltage_to_nut(v, liebert_of(c));
     },
     nullptr, "`%.1f` × the device's factor; a reading below 1 near 1e-5 sets it to 1e7, near 1e-3 to 1e5"},
    {"belkin_firmware", "belkin_firmware_conversion_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%ld", to_long(v) >> 4); },
     nullptr, "`%ld` of value >> 4"},
    {"belkin_upstype", "belkin_upstype_conversion_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       switch (to_long(v) & 0x0f) {
         case 1: return std::string("offline");
         case 2: return std::string("line-interactive");
         case 3: return std::string("simple online");
         case 4: return std::string("simple offline");
         case 5: return std::string("simple line-interactive");
         default: return std::string("online");
       }
     },
     nullptr, "the UPS type from the low nibble (offline, line-interactive, simple ..., else online)"},
    {"belkin_sensitivity", "belkin_sensitivity_conversion_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       const long value = to_long(v);
       return std::string(value == 1 ? "reduced" : value == 2 ? "low" : "normal");
     },
     nullptr, "1 `reduced`, 2 `low`, else `normal`"},
    {"belkin_overload", "belkin_overload_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x10, 0x10, "overload", "!overload"); }, nullptr,
     "`overload` when bit 4 is set"},
    {"belkin_overheat", "belkin_overheat_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x40, 0x40, "overheat", "!overheat"); }, nullptr,
     "`overheat` when bit 6 is set"},
    {"belkin_commfault", "belkin_commfault_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x80, 0x80, "commfault", "!commfault"); }, nullptr,
     "`commfault` when bit 7 is set"},
    {"belkin_awaitingpower", "belkin_awaitingpower_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x2000, 0x2000, "awaitingpower", "!awaitingpower"); },
     nullptr, "`awaitingpower` when bit 13 is set"},
    {"belkin_online", "belkin_online_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x01, 0x00, "online", "!online"); }, nullptr,
     "`online` when bit 0 is clear"},
    {"belkin_lowbatt", "belkin_lowbatt_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x04, 0x04, "lowbatt", "!lowbatt"); }, nullptr,
     "`lowbatt` when bit 2 is set"},
    {"belkin_depleted", "belkin_depleted_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x40, 0x40, "depleted", "!depleted"); }, nullptr,
     "`depleted` when bit 6 is set"},
    {"belkin_replacebatt", "belkin_replacebatt_conversion_fun",
     [](double v, ConverterContext&) { return masked_word(v, 0x80, 0x80, "replacebatt", "!replacebatt"); }, nullptr,
     "`replacebatt` when bit 7 is set"},
    {"divide_by_100", "divide_by_100_conversion_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%0.1f", v * 0.01); },
     nullptr, "`%0.1f` of value × 0.01 (NUT 2.8.5's usbhid-ups.c)"},
    // ever-hid.c (2.8.5) :64-326: version and hardware words, and the vendor reports read whole
    // (74 work mode, 75 messages, 76 alarms, 210 MAC, 211/230-232 IPs, 215-218 packet counters).
    {"ever_hardware", "ever_format_hardware_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       static constexpr const char* kRevisions = "0ABCDEFGHIJKLMNOPQRSTUVWXYZ";
       const unsigned word = static_cast<unsigned>(to_long(v));
       const unsigned revision = (word & 0xFF00) >> 8;
       if (revision > 26) return std::nullopt;  // NUT reads past its 27-entry table here
       const char letter[2] = {kRevisions[revision], '\0'};
       return bounded(10, "rev.%sv%02u", letter, word & 0xFF);
     },
     nullptr, "`rev.<letter>v%02u`: revision letter from the high byte (0, A..Z; nothing beyond Z), number from the low"},
    {"ever_version", "ever_format_version_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       const unsigned word = static_cast<unsigned>(to_long(v));
       return bounded(10, "v%X.%Xb%02d", (word & 0xF000) >> 12, (word & 0xF00) >> 8, static_cast<int>(to_long(v) & 0xFF));
     },
     nullptr, "`v%X.%Xb%02d` of bits 15..12, 11..8 and the low byte"},
    {"ever_mac_address", "ever_mac_address_fun",
     [](double, ConverterContext& c) -> std::optional<std::string> { return ever_joined(cached_report(c, 210), "%02x", ':'); },
     nullptr, "report 210's bytes as `%02x` joined by `:`"},
    {"ever_ip_address", "ever_ip_address_fun",
     [](double, ConverterContext& c) -> std::optional<std::string> {
       const std::uint8_t id = ever_next(ever_of(c).ip_counter, {211, 230, 231, 232});
       return ever_joined(cached_report(c, id), "%d", '.');
     },
     nullptr, "the next of reports 211, 230, 231, 232 (in turn, per call) as `%d` joined by `.`"},
    {"ever_packets", "ever_packets_fun",
     [](double, ConverterContext& c) -> std::optional<std::string> {
       const auto bytes = cached_report(c, ever_next(ever_of(c).packets_counter, {215, 216, 217, 218}));
       if (bytes.size() < 5) return std::string();
       const std::uint32_t count = bytes[1] | (bytes[2] << 8) | (bytes[3] << 16) | (static_cast<std::uint32_t>(bytes[4]) << 24);
       return bounded(200, "%d", static_cast<int>(count));
     },
     nullptr, "the next of reports 215..218 (in turn, per call): its first 4 bytes, little-endian, `%d`"},
    {"ever_workmode", "ever_workmode_fun",
     [](double, ConverterContext& c) -> std::optional<std::string> {
       switch (ever_byte(cached_report(c, 74), 1)) {
         case 2: return std::string("STOP");
         case 4: return std::string("ONLINE");
         case 8: return std::string("ONBATTERY");
         case 16: return std::string("WATCH");
         case 32: return std::string("WAITING");
         case 64: return std::string("EMERGENCY");
         default: return std::string("UNKNOWN");
       }
     },
     nullptr, "report 74's first byte: 2 STOP, 4 ONLINE, 8 ONBATTERY, 16 WATCH, 32 WAITING, 64 EMERGENCY, else UNKNOWN"},
    {"ever_messages", "ever_messages_fun",
     [](double, ConverterContext& c) -> std::optional<std::string> {
       const auto bytes = cached_report(c, 75);
       const unsigned word = ever_byte(bytes, 1) | (ever_byte(bytes, 2) << 8);
       return ever_words(word, {{0x04, "BOOST"}, {0x08, "BUCK"}, {0x10, "BOOST_BLOCKED"}, {0x20, "BUCK_BLOCKED"},
                                {0x40, "CHARGING"}, {0x80, "FAN_ON"}, {0x100, "EPO_BLOCKED"}, {0x200, "NEED_REPLACMENT"},
                                {0xC00, "OVERHEAT"}, {0x1000, "WAITING_FOR_MIN_CHARGE"}, {0x2000, "MAINS_OUT_OF_RANGE"}});
     },
     nullptr, "report 75's 16-bit word: its message bits as words (BOOST, BUCK, ..., MAINS_OUT_OF_RANGE)"},
    {"ever_alarms", "ever_alarms_fun",
     [](double, ConverterContext& c) -> std::optional<std::string> {
       const auto bytes = cached_report(c, 76);
       const unsigned word = ever_byte(bytes, 1) | (ever_byte(bytes, 2) << 8);
       return ever_words(word, {{0x01, "OVERLOAD"}, {0x02, "SHORT-CIRCUIT"}, {0x0C, "OVERHEAT"}, {0x10, "EPO"},
                                {0x20, "INERNAL_ERROR"}, {0x40, "REVERSE_POWER_SUPPLY"}, {0x80, "NO_INETERNAL_COMM"},
                                {0x100, "CRITICAL_BATT_VOLTAGE"}});
     },
     nullptr, "report 76's 16-bit word: its alarm bits as words (OVERLOAD, SHORT-CIRCUIT, ..., CRITICAL_BATT_VOLTAGE)"},
    {"ever_on_off", "ever_on_off_fun",
     [](double, ConverterContext& c) -> std::optional<std::string> {
       const unsigned mode = ever_byte(cached_report(c, 74), 1);
       return std::string(mode == 0x04 || mode == 0x08 ? "!off" : "off");
     },
     nullptr, "`!off` while report 74's work mode is ONLINE or ONBATTERY, else `off`"},
    {"mge_powerfactor", "mge_powerfactor_conversion_fun",
     [](double v, ConverterContext&) -> std::optional<std::string> { return bounded(20, "%.2f", v / 100); },
     nullptr, "`%.2f` of value/100"},
    // ecoflow-hid.c:67 (ecoflow_battery_runtime_conversion): the device counts minutes; below 0
    // NUT publishes nothing.
    {"ecoflow_runtime", "ecoflow_battery_runtime_conversion",
     [](double v, ConverterContext&) -> std::optional<std::string> {
       if (v < 0) return std::nullopt;
       return bounded(20, "%.0f", v * 60.0);
     },
     nullptr, "minutes to seconds, `%.0f` of value × 60; nothing below 0"},
};

}  // namespace

std::span<const Converter> converters() { return kConverters; }

const Converter* find_converter(std::string_view name) {
  for (const Converter& converter : kConverters) {
    if (converter.name == name) return &converter;
  }
  return nullptr;
}

std::optional<std::string> lookup_to_nut(const Lookup& lookup, double value,
                                         ConverterContext& context) {
  if (lookup.converter != nullptr) return lookup.converter->to_nut(value, context);
  long key = to_long(value);
  for (const LookupEntry& entry : lookup.entries) {
    if (entry.hid_value == key) return entry.nut_value;
  }
  return std::nullopt;
}

double lookup_to_hid(const Lookup& lookup, std::string_view text, const ConverterContext& context) {
  if (lookup.converter != nullptr && lookup.converter->to_hid != nullptr) return lookup.converter->to_hid(text, context);
  // A converter without a reverse: NUT's loop over the (empty) table finds nothing.
  for (const LookupEntry& entry : lookup.entries) {
    if (entry.nut_value == text) return static_cast<double>(entry.hid_value);
  }
  // No entry has this text: 2.8.0 wrote -1 to the device; 2.8.5's hu_find_valinfo flags EINVAL
  // and the command or SET is answered CONVERSION-FAILED with nothing written (NUT commit
  // d3671c992, #3017). NaN is how a conversion says so here.
  return std::numeric_limits<double>::quiet_NaN();
}

bool is_numeric_format(std::string_view format) {
  int conversions = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    ++i;
    if (i < format.size() && format[i] == '%') continue;
    while (i < format.size() && std::string_view("-+ #0").find(format[i]) != std::string_view::npos) ++i;
    std::size_t digits = 0;
    while (i < format.size() && format[i] >= '0' && format[i] <= '9') ++i, ++digits;
    if (digits > 2) return false;
    if (i < format.size() && format[i] == '.') {
      ++i;
      digits = 0;
      while (i < format.size() && format[i] >= '0' && format[i] <= '9') ++i, ++digits;
      if (digits > 2) return false;
    }
    if (i >= format.size() || std::string_view("fFeEgG").find(format[i]) == std::string_view::npos) {
      return false;
    }
    ++conversions;
  }
  return conversions == 1 && format.size() < 64;
}

std::string format_number(std::string_view format, double value) {
  std::string f(format);
  // Width and precision are at most 2 digits: 512 bytes hold any result but %f of huge values,
  // which snprintf cuts; NUT's dstate buffer is 256 bytes anyway.
  std::array<char, 512> buffer{};
  std::snprintf(buffer.data(), buffer.size(), f.c_str(), value);
  std::string text(buffer.data());
  if (text.size() > 255) text.resize(255);
  return text;
}

std::optional<int> mge_model_type(std::string_view nut_name) {
  for (const auto& [name, value] : kMgeModelTypes) {
    if (name == nut_name) return value;
  }
  return std::nullopt;
}

}  // namespace walnut::mapping
