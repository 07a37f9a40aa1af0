// The simulated UPS's command language, shared by the control socket (walnut-sim), scenario
// files and the driver's -k relay: "mains off", "load 80", "unplug", "status", ... Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/sim/ups_physics.h"

namespace walnut::usbhid::sim {

struct SimCommand {
  enum class Kind {
    kMains,      // mains on|off
    kVoltage,    // voltage V: the utility's voltage (a sag below the transfer point = battery)
    kLoad,       // load PERCENT
    kCharge,     // charge PERCENT
    kBattery,    // battery ok|worn (worn = NeedReplacement, failing self-tests)
    kBatteryOut, // battery absent: taken out (BatteryPresent cleared), as while replacing it
    kUnplug,     // unplug: pull the USB cable
    kReplug,     // replug
    kScale,      // scale FACTOR: sim seconds per real second
    kStatus,     // status: the model's quantities
    kHostWrite,  // hostwrite ID HEX...: a SET_REPORT another driver process sent (-k)
    kUsb,        // usb ok | usb slow MS [timeout EVERY] | usb busy: the bus, not the UPS
  };
  Kind kind = Kind::kStatus;
  double number = 0;  // voltage, load, charge, scale
  bool on = false;    // mains, battery ok
  std::vector<std::uint8_t> bytes;  // hostwrite: the report, ID byte first
  // usb: number = the delay in ms (slow), every = every n-th request unanswered, on = busy.
  int every = 0;
};

// Parses one command line (words separated by blanks, case-sensitive). Errors say what is
// wrong ("load: expected a number from 0 to 200, got 'x'").
Result<SimCommand> parse_sim_command(std::string_view line);

// Applies a command that changes the world around the UPS (mains, voltage, load, charge,
// battery, unplug/replug). Returns false for the others, which the caller handles.
bool apply_to_physics(const SimCommand& command, UpsPhysics& ups);

// "hostwrite 0x40 40 0a" for a SET_REPORT of `bytes`.
std::string host_write_line(const std::vector<std::uint8_t>& bytes);

// The help text listing the commands.
std::string sim_command_help();

}  // namespace walnut::usbhid::sim
