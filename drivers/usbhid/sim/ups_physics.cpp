// The simulated UPS's physics.
#include "drivers/usbhid/sim/ups_physics.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace walnut::usbhid::sim {
namespace {

// A Back-UPS stays dark this long after a shutdown.reboot / shutdown.return before it powers
// the load again, even when the line is already good.
constexpr double kMinimumOffSeconds = 10;
constexpr double kQuickTestSeconds = 10;
constexpr double kDeepTestSeconds = 60;

// Runtime falls a little faster than in proportion to load (Peukert): exponent 1.2.
double full_charge_runtime(const UpsPhysics& ups) {
  const double load = std::max(ups.load, 1.0);
  return ups.full_runtime * std::pow(ups.reference_load / load, 1.2);
}

bool testing(const UpsPhysics& ups) { return ups.test == SelfTest::kInProgress; }

void finish_self_test(UpsPhysics& ups) {
  ups.test = ups.battery_worn || !ups.battery_present ? SelfTest::kError : SelfTest::kPassed;
  ups.test_seconds_left = 0;
}

// One step of at most a second.
void step(UpsPhysics& ups, const UpsLimits& limits, double dt) {
  if (ups.shutdown_timer) {
    *ups.shutdown_timer -= dt;
    if (*ups.shutdown_timer <= 0) {
      ups.shutdown_timer.reset();
      ups.output_on = false;
      ups.off_seconds = 0;
      if (testing(ups)) ups.test = SelfTest::kAborted;
    }
  }
  if (!ups.output_on) {
    ups.off_seconds += dt;
    if (line_ok(ups, limits) && ups.off_seconds >= kMinimumOffSeconds) ups.output_on = true;
  }
  if (discharging(ups, limits)) {
    const double percent_per_second = 100.0 / std::max(full_charge_runtime(ups), 1.0);
    ups.charge = std::max(0.0, ups.charge - percent_per_second * dt);
    // A flat battery cannot hold the load: the UPS turns its output off.
    if (ups.charge <= 0 && on_battery(ups, limits)) {
      ups.output_on = false;
      ups.off_seconds = 0;
    }
  } else if (charging(ups, limits)) {
    ups.charge = std::min(100.0, ups.charge + 100.0 / ups.recharge_seconds * dt);
  }
  if (testing(ups)) {
    ups.test_seconds_left -= dt;
    if (ups.test_seconds_left <= 0) finish_self_test(ups);
  }
  ups.clock += dt;
}

}  // namespace

bool line_ok(const UpsPhysics& ups, const UpsLimits& limits) {
  return ups.mains && ups.utility_voltage >= limits.low_transfer &&
         ups.utility_voltage <= limits.high_transfer;
}

bool on_battery(const UpsPhysics& ups, const UpsLimits& limits) {
  return ups.output_on && !line_ok(ups, limits);
}

bool discharging(const UpsPhysics& ups, const UpsLimits& limits) {
  return on_battery(ups, limits) || (ups.output_on && testing(ups));
}

bool charging(const UpsPhysics& ups, const UpsLimits& limits) {
  return line_ok(ups, limits) && !discharging(ups, limits) && ups.charge < 100;
}

double runtime_seconds(const UpsPhysics& ups) {
  return std::max(0.0, ups.charge / 100.0 * full_charge_runtime(ups));
}

bool low_battery(const UpsPhysics& ups, const UpsLimits& limits) {
  if (ups.charge < limits.capacity_limit) return true;
  return on_battery(ups, limits) && runtime_seconds(ups) < limits.runtime_limit;
}

bool overloaded(const UpsPhysics& ups) { return ups.output_on && ups.load > 100; }

bool boosting(const UpsPhysics& ups, const UpsLimits& limits) {
  return ups.output_on && line_ok(ups, limits) &&
         ups.utility_voltage < 0.9 * limits.nominal_voltage;
}

bool trimming(const UpsPhysics& ups, const UpsLimits& limits) {
  return ups.output_on && line_ok(ups, limits) &&
         ups.utility_voltage > 1.1 * limits.nominal_voltage;
}

double input_voltage(const UpsPhysics& ups) { return ups.mains ? ups.utility_voltage : 0; }

double output_voltage(const UpsPhysics& ups, const UpsLimits& limits) {
  if (!ups.output_on) return 0;
  if (on_battery(ups, limits) || boosting(ups, limits) || trimming(ups, limits)) {
    return limits.nominal_voltage;
  }
  return ups.utility_voltage;
}

double battery_voltage(const UpsPhysics& ups, const UpsLimits& limits) {
  // A 12 V lead-acid block: ~13.4 V floating on charge, 12.9 V full at rest, sagging to
  // ~10.5 V when empty under load.
  if (charging(ups, limits) || (line_ok(ups, limits) && ups.charge >= 100)) return 13.4;
  const double rest = 11.7 + 1.2 * ups.charge / 100.0;
  return discharging(ups, limits) ? rest - 0.6 * std::min(ups.load, 100.0) / 100.0 : rest;
}

bool powered(const UpsPhysics& ups, const UpsLimits& limits) {
  return ups.output_on || line_ok(ups, limits);
}

bool usb_present(const UpsPhysics& ups, const UpsLimits& limits) {
  return ups.cable_connected && powered(ups, limits);
}

void start_shutdown(UpsPhysics& ups, double seconds, bool reboot) {
  if (seconds < 0) {
    cancel_shutdown(ups);
    return;
  }
  ups.shutdown_timer = seconds;
  ups.shutdown_is_reboot = reboot;
}

void cancel_shutdown(UpsPhysics& ups) { ups.shutdown_timer.reset(); }

void request_self_test(UpsPhysics& ups, int code) {
  if (code == 1 || code == 2) {
    ups.test = SelfTest::kInProgress;
    ups.test_seconds_left = code == 1 ? kQuickTestSeconds : kDeepTestSeconds;
  } else if (code == 3 && testing(ups)) {
    ups.test = SelfTest::kAborted;
    ups.test_seconds_left = 0;
  }
}

void advance(UpsPhysics& ups, const UpsLimits& limits, double seconds) {
  while (seconds > 0) {
    const double dt = std::min(seconds, 1.0);
    step(ups, limits, dt);
    seconds -= dt;
  }
}

std::string describe(const UpsPhysics& ups, const UpsLimits& limits) {
  std::string text;
  auto line = [&text](std::string_view name, const std::string& value) {
    text += fmt::format("{}: {}\n", name, value);
  };
  auto on_off = [](bool on) { return std::string(on ? "on" : "off"); };
  line("clock", fmt::format("{:.1f}", ups.clock));
  line("mains", on_off(ups.mains));
  line("input.voltage", fmt::format("{:.1f}", input_voltage(ups)));
  line("line", line_ok(ups, limits) ? "ok" : "bad");
  line("output", on_off(ups.output_on));
  line("load", fmt::format("{:.1f}", ups.load));
  line("charge", fmt::format("{:.2f}", ups.charge));
  line("runtime", fmt::format("{:.0f}", runtime_seconds(ups)));
  line("battery.voltage", fmt::format("{:.2f}", battery_voltage(ups, limits)));
  line("on_battery", on_off(on_battery(ups, limits)));
  line("charging", on_off(charging(ups, limits)));
  line("low_battery", on_off(low_battery(ups, limits)));
  line("overload", on_off(overloaded(ups)));
  line("boost", on_off(boosting(ups, limits)));
  line("trim", on_off(trimming(ups, limits)));
  line("replace_battery", on_off(ups.battery_worn));
  line("battery", ups.battery_present ? "present" : "absent");
  line("shutdown_timer",
       ups.shutdown_timer ? fmt::format("{:.1f}", *ups.shutdown_timer) : std::string("none"));
  line("self_test", std::to_string(static_cast<int>(ups.test)));
  line("cable", ups.cable_connected ? "plugged" : "unplugged");
  line("usb", usb_present(ups, limits) ? "present" : "gone");
  return text;
}

}  // namespace walnut::usbhid::sim
