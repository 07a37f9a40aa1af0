// The simulated APC Back-UPS's physics: mains, battery charge, runtime, load, the shutdown
// timer and the self-test, advanced on the sim's own (scaled) clock. Pure: no I/O, no HID.
#pragma once

#include <optional>
#include <string>

namespace walnut::usbhid::sim {

// What the UPS itself knows as limits; read back from the device's reports every tick because
// the host may change them (upsrw battery.charge.low, battery.runtime.low, input.transfer.*).
struct UpsLimits {
  double capacity_limit = 10;    // RemainingCapacityLimit, %
  double runtime_limit = 120;    // RemainingTimeLimit, s
  double low_transfer = 180;     // LowVoltageTransfer, V: below it the UPS goes on battery
  double high_transfer = 266;    // HighVoltageTransfer, V
  double nominal_voltage = 230;  // Input.ConfigVoltage, V
};

// APC's UPS.Battery.Test values (NUT apc-hid.c test_read_info).
enum class SelfTest { kPassed = 1, kWarning = 2, kError = 3, kAborted = 4, kInProgress = 5,
                      kNone = 6 };

struct UpsPhysics {
  // --- What the world does to the UPS (the control socket and scenarios set these). ---
  bool mains = true;               // utility power present at all
  double utility_voltage = 230;    // when present; a sag below low_transfer means battery
  double load = 34;                // percent of rated power
  bool battery_worn = false;       // NeedReplacement; also makes the self-test fail
  // BatteryPresent: false while the battery is out (being replaced). NUT's nobattery: the
  // "No battery installed!" alarm, and RB since 2.8.5. Only the flag and the self-test are
  // modelled: an outage without a battery still runs on the charge.
  bool battery_present = true;
  bool cable_connected = true;     // the USB cable (walnut-sim unplug/replug)

  // --- The battery, as the device's firmware models it. ---
  double charge = 100;             // percent
  double full_runtime = 868;       // seconds at 100% charge and reference_load
  double reference_load = 34;      // percent: the load full_runtime was measured at
  double recharge_seconds = 3600;  // 0 -> 100% while on line

  // --- What the host asked for. ---
  bool output_on = true;
  // Seconds until the output is cut (DelayBeforeShutdown / DelayBeforeReboot counting down).
  std::optional<double> shutdown_timer;
  bool shutdown_is_reboot = false;  // which report family the countdown shows in
  double off_seconds = 0;           // how long the output has been off
  SelfTest test = SelfTest::kNone;
  double test_seconds_left = 0;

  double clock = 0;                 // sim seconds since the simulation began
};

// The utility is usable: present and inside the transfer window.
bool line_ok(const UpsPhysics& ups, const UpsLimits& limits);
// The load runs from the battery right now.
bool on_battery(const UpsPhysics& ups, const UpsLimits& limits);
// Discharging: on battery, or on line during a self-test (the firmware runs the load from
// the battery while ACPresent stays set, so NUT shows "OL DISCHRG").
bool discharging(const UpsPhysics& ups, const UpsLimits& limits);
bool charging(const UpsPhysics& ups, const UpsLimits& limits);
// RunTimeToEmpty: the charge left at the present load (an idle or dark UPS reports the
// runtime it would have at the reference load).
double runtime_seconds(const UpsPhysics& ups);
// BelowRemainingCapacityLimit: charge under the capacity limit, or (on battery) runtime
// under the runtime limit, as APC firmware raises it.
bool low_battery(const UpsPhysics& ups, const UpsLimits& limits);
bool overloaded(const UpsPhysics& ups);
// AVR: on line but the utility is 10% below / above nominal (only devices with Boost/Buck
// fields can tell the host).
bool boosting(const UpsPhysics& ups, const UpsLimits& limits);
bool trimming(const UpsPhysics& ups, const UpsLimits& limits);
double input_voltage(const UpsPhysics& ups);
double output_voltage(const UpsPhysics& ups, const UpsLimits& limits);
double battery_voltage(const UpsPhysics& ups, const UpsLimits& limits);
// The device is powered (output on, or mains can power its electronics): when not, it drops
// off the USB bus as a real Back-UPS does after shutting down on battery.
bool powered(const UpsPhysics& ups, const UpsLimits& limits);
bool usb_present(const UpsPhysics& ups, const UpsLimits& limits);

// The host's commands, as the device receives them in SET_REPORTs.
// DelayBeforeShutdown / DelayBeforeReboot = seconds (< 0 cancels; 0 cuts at once).
void start_shutdown(UpsPhysics& ups, double seconds, bool reboot);
void cancel_shutdown(UpsPhysics& ups);
// Battery.Test = 1 (quick), 2 (deep), 3 (stop).
void request_self_test(UpsPhysics& ups, int code);

// Advances the model by `seconds` of sim time (integrated in steps of at most one second):
// charge falls with load on battery and rises while charging, the shutdown timer runs out and
// cuts the output, the output comes back once the line is good again, a self-test ends.
void advance(UpsPhysics& ups, const UpsLimits& limits, double seconds);

// One line per quantity, "name: value", for walnut-sim status and the docs.
std::string describe(const UpsPhysics& ups, const UpsLimits& limits);

}  // namespace walnut::usbhid::sim
