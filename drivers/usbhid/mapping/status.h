// ups.status and ups.alarm from the status bits the mapping's BOOL rows collect, with NUT
// 2.8.0's precedence (usbhid-ups.c ups_status_set/ups_alarm_set, dstate.c status_commit).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace walnut::mapping {

// NUT's status_bit_t, same order.
enum StatusBit : unsigned {
  kOnline, kDischarging, kCharging, kLowBattery, kOverload, kReplaceBattery, kShutdownImminent,
  kTrim, kBoost, kBypassAuto, kBypassManual, kOff, kCalibration, kOverheat, kCommFault,
  kDepleted, kTimeLimitExpired, kFullyCharged, kAwaitingPower, kFanFail, kNoBattery,
  kBatteryVoltageLow, kBatteryVoltageHigh, kChargerFail, kVoltageRange, kFrequencyRange,
  // NUT 2.8.5's ECOMODE/ESSMODE (usbhid-ups.c:302-303): not in ups.status but in
  // experimental.ups.mode.buzzwords (usbhid-ups.c:2966-2976).
  kEcoMode, kEssMode,
};

// The bits, remembered across reports: a report may carry only some of them.
class StatusBits {
 public:
  // NUT's process_boolean_info: "online" sets, "!online" clears (names case-insensitive);
  // false for a word NUT does not know (ignored, as NUT does).
  bool apply(std::string_view word);
  bool test(StatusBit bit) const { return (bits_ & (1u << bit)) != 0; }
  void set(StatusBit bit, bool on);
  unsigned raw() const { return bits_; }

 private:
  unsigned bits_ = 0;
};

struct StatusOptions {
  bool onlinedischarge = false;  // OL+DISCHRG reported as OB
  bool ignorelb = false;         // driver.flag.ignorelb: device LB dropped, LB from thresholds
  // NUT 2.8.5's onlinedischarge_calibration: OL+DISCHRG reported as CAL (calibrating), not OL.
  bool onlinedischarge_calibration = false;
  // NUT 2.8.5's lbrb_log_delay_sec (0: off) and lbrb_log_delay_without_calibrating: the
  // LB/RB debounce (usbhid-ups.c:2895-2950, NUT PR #2565), see LbRbDebounce.
  int lbrb_delay_sec = 0;
  bool lbrb_delay_without_calibrating = false;
};

// NUT's last_lb_start / last_rb_start. With lbrb_delay_sec > 0, while the UPS is online and
// calibrating (CAL, or always with lbrb_delay_without_calibrating), an LB is published only once
// it has lasted longer than the delay; an RB likewise while such an LB wait is on. On battery,
// NUT never delays. walnut adds: no delay either once battery.charge or battery.runtime is
// below its low threshold, so a real low battery is never held back.
struct LbRbDebounce {
  std::optional<std::chrono::steady_clock::time_point> lb_since;
  std::optional<std::chrono::steady_clock::time_point> rb_since;
};

// The values ignorelb compares (NUT reads them from the state with strtol).
struct BatteryLevels {
  std::optional<std::string> charge, charge_low, runtime, runtime_low;
};

// ups.status as NUT composes it: tokens in NUT's order, "ALARM " first when an alarm is
// active. `warn_online_discharging` is set when NUT would log its OL+DISCHRG warning.
// `debounce` (with `now`) carries the LB/RB debounce across calls; null: no debounce.
std::string compose_status(const StatusBits& bits, const StatusOptions& options,
                           const BatteryLevels& levels, bool alarm_active,
                           bool* warn_online_discharging = nullptr,
                           LbRbDebounce* debounce = nullptr,
                           std::chrono::steady_clock::time_point now = {});

// NUT 2.8.5's throttle of its OL+DISCHRG hint (usbhid-ups.c:2747-2840): the hint is logged when
// battery.charge changed since the last one and is under `hovercharge` (default 100), or when
// `throttle_sec` (onlinedischarge_log_throttle_sec; -2 = unset, 30 once the device turns out to
// have no battery.charge; -1 = never by time) passed since the last one.
struct OnlineDischargeLog {
  int throttle_sec = -2;
  int hovercharge = 100;
  std::optional<std::chrono::steady_clock::time_point> last;  // when the hint was last logged
  int last_charge = -1;                                        // battery.charge then
};
// Whether to log the hint now (`online_discharging`: compose_status asked for it). Clears the
// memory when the UPS is not discharging. Remembers what it decided.
bool log_online_discharge(OnlineDischargeLog& log, bool online_discharging, bool discharging,
                          const std::optional<std::string>& charge,
                          std::chrono::steady_clock::time_point now);

// NUT 2.8.5's default lbrb_log_delay_sec = 3 for APC Back-UPS BXnnnMI, BVKnnnM2 and
// BKnnnM2-CH models (usbhid-ups.c:1879-1903; NUT issues #2347, #2565, #2944, #3006), when the
// option is not set. Pure.
bool apc_defaults_lbrb_delay(std::string_view vendor, std::string_view product);

// The alarm texts of the bits, in NUT's order ("Replace battery!", ...).
std::vector<std::string> status_alarms(const StatusBits& bits);

// input.transfer.reason from VRANGE/FRANGE; nullopt means "delete the variable".
std::optional<std::string> transfer_reason(const StatusBits& bits);

}  // namespace walnut::mapping
