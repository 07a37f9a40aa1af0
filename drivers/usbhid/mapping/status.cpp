// Status composition, token for token as NUT 2.8.0 writes it (no de-duplication, fixed order).
#include "drivers/usbhid/mapping/status.h"

#include <array>
#include <cstdlib>
#include <strings.h>

namespace walnut::mapping {
namespace {

constexpr std::array<std::string_view, 26> kWords = {
    "online", "dischrg", "chrg", "lowbatt", "overload", "replacebatt", "shutdownimm", "trim", "boost",
    "bypassauto", "bypassman", "off", "cal", "overheat", "commfault", "depleted", "timelimitexp",
    "fullycharged", "awaitingpower", "fanfail", "nobattery", "battvoltlo", "battvolthi", "chargerfail",
    "vrange", "frange"};

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}

void add(std::string& status, std::string_view token, bool ignorelb) {
  if (ignorelb && token == "LB") return;
  if (!status.empty()) status += ' ';
  status += token;
}

bool below(const std::optional<std::string>& value, const std::optional<std::string>& low) {
  return value && low && std::strtol(value->c_str(), nullptr, 10) < std::strtol(low->c_str(), nullptr, 10);
}

}  // namespace

bool StatusBits::apply(std::string_view word) {
  bool clear = !word.empty() && word.front() == '!';
  if (clear) word.remove_prefix(1);
  for (std::size_t i = 0; i < kWords.size(); ++i) {
    if (same_ignoring_case(kWords[i], word)) {
      set(static_cast<StatusBit>(i), !clear);
      return true;
    }
  }
  return false;
}

void StatusBits::set(StatusBit bit, bool on) {
  if (on) bits_ |= 1u << bit;
  else bits_ &= ~(1u << bit);
}

std::string compose_status(const StatusBits& bits, const StatusOptions& options,
                           const BatteryLevels& levels, bool alarm_active,
                           bool* warn_online_discharging) {
  std::string status;
  const bool lbi = options.ignorelb;
  if (warn_online_discharging != nullptr) *warn_online_discharging = false;
  if (!bits.test(kOnline)) {
    add(status, "OB", lbi);
  } else if (bits.test(kDischarging)) {
    if (options.onlinedischarge) {
      add(status, "OB", lbi);
    } else {
      if (!bits.test(kCalibration) && warn_online_discharging != nullptr) *warn_online_discharging = true;
      add(status, "OL", lbi);
    }
  } else {
    add(status, "OL", lbi);
  }
  if (bits.test(kDischarging) && !bits.test(kDepleted)) add(status, "DISCHRG", lbi);
  if (bits.test(kCharging) && !bits.test(kFullyCharged)) add(status, "CHRG", lbi);
  if (bits.test(kLowBattery) || bits.test(kTimeLimitExpired) || bits.test(kShutdownImminent)) {
    add(status, "LB", lbi);
  }
  if (bits.test(kOverload)) add(status, "OVER", lbi);
  if (bits.test(kReplaceBattery)) add(status, "RB", lbi);
  if (bits.test(kTrim)) add(status, "TRIM", lbi);
  if (bits.test(kBoost)) add(status, "BOOST", lbi);
  if (bits.test(kBypassAuto) || bits.test(kBypassManual)) add(status, "BYPASS", lbi);
  if (bits.test(kOff)) add(status, "OFF", lbi);
  if (bits.test(kCalibration)) add(status, "CAL", lbi);
  // status_commit: with ignorelb, LB comes from the charge, else the runtime, thresholds.
  // NUT appends " LB" even to an empty buffer.
  if (lbi && (below(levels.charge, levels.charge_low) || below(levels.runtime, levels.runtime_low))) {
    status += " LB";
  }
  return alarm_active ? "ALARM " + status : status;
}

std::vector<std::string> status_alarms(const StatusBits& bits) {
  static const std::array<std::pair<StatusBit, const char*>, 12> kAlarms = {{
      {kReplaceBattery, "Replace battery!"},
      {kShutdownImminent, "Shutdown imminent!"},
      {kFanFail, "Fan failure!"},
      {kNoBattery, "No battery installed!"},
      {kBatteryVoltageLow, "Battery voltage too low!"},
      {kBatteryVoltageHigh, "Battery voltage too high!"},
      {kChargerFail, "Battery charger fail!"},
      {kOverheat, "Temperature too high!"},
      {kCommFault, "Internal UPS fault!"},
      {kAwaitingPower, "Awaiting power!"},
      {kBypassAuto, "Automatic bypass mode!"},
      {kBypassManual, "Manual bypass mode!"},
  }};
  std::vector<std::string> alarms;
  for (const auto& [bit, text] : kAlarms) {
    if (bits.test(bit)) alarms.emplace_back(text);
  }
  return alarms;
}

std::optional<std::string> transfer_reason(const StatusBits& bits) {
  if (bits.test(kVoltageRange)) return "input voltage out of range";
  if (bits.test(kFrequencyRange)) return "input frequency out of range";
  return std::nullopt;
}

}  // namespace walnut::mapping
