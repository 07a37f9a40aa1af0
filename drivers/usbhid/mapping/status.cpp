// Status composition, token for token as NUT 2.8.0 writes it (no de-duplication, fixed order).
#include "drivers/usbhid/mapping/status.h"

#include <array>
#include <cstdlib>
#include <strings.h>

namespace walnut::mapping {
namespace {

constexpr std::array<std::string_view, 28> kWords = {
    "online", "dischrg", "chrg", "lowbatt", "overload", "replacebatt", "shutdownimm", "trim", "boost",
    "bypassauto", "bypassman", "off", "cal", "overheat", "commfault", "depleted", "timelimitexp",
    "fullycharged", "awaitingpower", "fanfail", "nobattery", "battvoltlo", "battvolthi", "chargerfail",
    "vrange", "frange", "ecomode", "essmode"};

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

// battery.runtime below battery.runtime.low, as NUT compares them, except for the firmware
// oddities NUT takes at face value (docs/field-failures.md, NUT #983, #784, #1068): -1 (or any
// negative runtime) is APC Smart-UPS firmware's "unknown", never a low battery; 0 is believed
// only while the UPS runs on its battery (on battery or discharging). A saturated 65535
// (#731, #1740) is simply not low.
bool runtime_below(const BatteryLevels& levels, bool drawing_on_battery) {
  if (!levels.runtime || !levels.runtime_low) return false;
  const long runtime = std::strtol(levels.runtime->c_str(), nullptr, 10);
  if (runtime < 0 || (runtime == 0 && !drawing_on_battery)) return false;
  return runtime < std::strtol(levels.runtime_low->c_str(), nullptr, 10);
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

namespace {

// One step of NUT's LB/RB wait: true when the token is to be published now.
bool waited_long_enough(std::optional<std::chrono::steady_clock::time_point>& since,
                        std::chrono::steady_clock::time_point now, int delay_sec) {
  if (!since) {
    since = now;
    return false;
  }
  return now - *since > std::chrono::seconds(delay_sec);
}

}  // namespace

std::string compose_status(const StatusBits& bits, const StatusOptions& options,
                           const BatteryLevels& levels, bool alarm_active,
                           bool* warn_online_discharging, LbRbDebounce* debounce,
                           std::chrono::steady_clock::time_point now) {
  std::string status;
  const bool lbi = options.ignorelb;
  const bool online = bits.test(kOnline);
  bool calibrating = bits.test(kCalibration);
  if (warn_online_discharging != nullptr) *warn_online_discharging = false;
  if (!online) {
    add(status, "OB", lbi);
  } else if (bits.test(kDischarging)) {
    // usbhid-ups.c:2722-2745: with onlinedischarge_calibration OL+DISCHRG is CAL (no OL); with
    // onlinedischarge_onbattery it is OB; with neither, OL and NUT's hint in the log.
    if (options.onlinedischarge_calibration) calibrating = true;
    if (options.onlinedischarge) add(status, "OB", lbi);
    if (!options.onlinedischarge && !options.onlinedischarge_calibration) {
      if (!bits.test(kCalibration) && warn_online_discharging != nullptr) *warn_online_discharging = true;
      add(status, "OL", lbi);
    }
  } else {
    add(status, "OL", lbi);
  }
  if (bits.test(kDischarging) && !bits.test(kDepleted)) add(status, "DISCHRG", lbi);
  if (bits.test(kCharging) && !bits.test(kFullyCharged)) add(status, "CHRG", lbi);
  // The debounce applies only online, while calibrating (or always, if told), and never once
  // the battery is below its low threshold.
  const bool drawing_on_battery = !online || bits.test(kDischarging);
  const bool really_low = below(levels.charge, levels.charge_low) ||
                          runtime_below(levels, drawing_on_battery);
  const bool may_wait = debounce != nullptr && options.lbrb_delay_sec > 0 && online &&
                        (calibrating || options.lbrb_delay_without_calibrating) && !really_low;
  if (bits.test(kLowBattery) || bits.test(kTimeLimitExpired) || bits.test(kShutdownImminent)) {
    if (!may_wait || waited_long_enough(debounce->lb_since, now, options.lbrb_delay_sec)) {
      add(status, "LB", lbi);
    }
  } else if (debounce != nullptr) {
    debounce->lb_since.reset();
  }
  if (bits.test(kOverload)) add(status, "OVER", lbi);
  // NUT 2.8.5 also raises RB for a missing battery (usbhid-ups.c:2927, NUT commit c85e741f6,
  // #415): upsmon then warns REPLBATT, not only the generic ALARM; 2.8.0 did not.
  if (bits.test(kReplaceBattery) || bits.test(kNoBattery)) {
    if (!may_wait || !debounce->lb_since ||
        waited_long_enough(debounce->rb_since, now, options.lbrb_delay_sec)) {
      add(status, "RB", lbi);
    }
  } else if (debounce != nullptr) {
    debounce->rb_since.reset();
  }
  if (bits.test(kTrim)) add(status, "TRIM", lbi);
  if (bits.test(kBoost)) add(status, "BOOST", lbi);
  if (bits.test(kBypassAuto) || bits.test(kBypassManual)) add(status, "BYPASS", lbi);
  if (bits.test(kOff)) add(status, "OFF", lbi);
  if (calibrating) add(status, "CAL", lbi);
  // status_commit: with ignorelb, LB comes from the charge, else the runtime, thresholds.
  // NUT appends " LB" even to an empty buffer.
  if (lbi && really_low) {
    status += " LB";
  }
  return alarm_active ? "ALARM " + status : status;
}

bool log_online_discharge(OnlineDischargeLog& log, bool online_discharging, bool discharging,
                          const std::optional<std::string>& charge,
                          std::chrono::steady_clock::time_point now) {
  if (!discharging) {
    log.last.reset();
    log.last_charge = -1;
    return false;
  }
  if (!online_discharging) return false;
  bool do_log = false;
  int current = 0;
  if (charge) {
    current = static_cast<int>(std::strtol(charge->c_str(), nullptr, 10));
    if (current > 0 && current != log.last_charge && current < log.hovercharge) do_log = true;
  } else if (log.throttle_sec == -2) {
    log.throttle_sec = 30;
  }
  if (log.last && log.throttle_sec >= 0 && now - *log.last >= std::chrono::seconds(log.throttle_sec)) {
    do_log = true;
  }
  if (do_log) {
    log.last = now;
    if (current > 0) log.last_charge = current;
  }
  return do_log;
}

bool apc_defaults_lbrb_delay(std::string_view vendor, std::string_view product) {
  if (vendor != "APC" && vendor != "American Power Conversion") return false;
  const std::size_t n = product.size();
  auto model_starts = [&](std::string_view prefix) {
    return product.substr(0, prefix.size()) == prefix ||
           product.find(" " + std::string(prefix)) != std::string_view::npos;
  };
  auto ends_with = [&](std::string_view suffix) {
    return n >= suffix.size() && product.substr(n - suffix.size()) == suffix;
  };
  if (n > 6 && model_starts("BX") && ends_with("MI")) return true;
  if (n > 7 && model_starts("BVK") && ends_with("M2")) return true;
  return n > 9 && model_starts("BK") && (ends_with("M2-CH") || ends_with("M2_CH"));
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
