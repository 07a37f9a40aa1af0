// ups.status and ups.alarm from the status bits the mapping's BOOL rows collect, with NUT
// 2.8.0's precedence (usbhid-ups.c ups_status_set/ups_alarm_set, dstate.c status_commit).
#pragma once

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
};

// The values ignorelb compares (NUT reads them from the state with strtol).
struct BatteryLevels {
  std::optional<std::string> charge, charge_low, runtime, runtime_low;
};

// ups.status as NUT composes it: tokens in NUT's order, "ALARM " first when an alarm is
// active. `warn_online_discharging` is set when NUT would log its OL+DISCHRG warning.
std::string compose_status(const StatusBits& bits, const StatusOptions& options,
                           const BatteryLevels& levels, bool alarm_active,
                           bool* warn_online_discharging = nullptr);

// The alarm texts of the bits, in NUT's order ("Replace battery!", ...).
std::vector<std::string> status_alarms(const StatusBits& bits);

// input.transfer.reason from VRANGE/FRANGE; nullopt means "delete the variable".
std::optional<std::string> transfer_reason(const StatusBits& bits);

}  // namespace walnut::mapping
