// NUT 2.8.5's driver core as clients see it (drivers/main.c): the driver.state variable over
// the driver's life, driver.debug and driver.flag.allow_killpower (both writable numbers), and
// the instant commands every 2.8.5 driver advertises. Pure: what to publish and how a SET of
// one of these variables changes it; the process and the loop decide when.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "common/ups_state.h"

namespace walnut::usbhid {

// driver.state values walnut publishes (main.c, usbhid-ups.c of 2.8.5). NUT also sets
// init.starting/init.device/init.info/init.updateinfo/init.quiet before its socket exists, and
// "updateinfo" for the length of each update; no reader can see the former, walnut's walk
// publishes its result once so it never shows the latter (docs/usbhid-ups.md).
inline constexpr std::string_view kStateQuiet = "quiet";                     // main.c:3241, 3278
inline constexpr std::string_view kStateDumping = "dumping";                 // main.c:3284 (-d)
inline constexpr std::string_view kStateReconnect = "reconnect.trying";      // usbhid-ups.c:2536
inline constexpr std::string_view kStateReloading = "reloading";             // main.c:1834
inline constexpr std::string_view kStateKillpower = "fsd.killpower";         // main.c:1107

// The commands 2.8.5's main.c advertises after the first update (dstate_addcmd, main.c:3026 and
// 3224-3231; driver.reload-or-restart is compiled out there, main.h:181-183, and driver.exit is
// handled but never advertised). driver.killpower is always advertised; the flag only gates it.
inline constexpr std::array<std::string_view, 5> kDriverCoreCommands = {
    "shutdown.default", "driver.killpower", "driver.reload", "driver.reload-or-exit",
    "driver.reload-or-error"};

// NUT's STAT_SET_* (upshandler.h) for the SETs handled here.
inline constexpr int kSetHandled = 0;
inline constexpr int kSetInvalid = 2;

// Publishes what 2.8.5 has once its first update is done: driver.debug = `debug_level`
// (main.c:1821, RW NUMBER), driver.flag.allow_killpower "1" when the flag was given, else "0"
// (main.c:1275, 3220-3223, RW NUMBER), the commands above and driver.state "quiet".
void publish_driver_core(int debug_level, UpsState& state);

// Whether driver.killpower may run (main.c:1101: the flag's value is exactly "1").
bool killpower_allowed(const UpsState& state);

// True for the variables SET handles in the core (main.c main_setvar), not in the model.
bool is_driver_core_variable(std::string_view name);

struct CoreSet {
  int status = kSetInvalid;
  // SET driver.debug: the debug level to use now (a negative value asks for `configured`, the
  // command line's and ups.conf's level, main.c:1183-1187).
  std::optional<int> debug_level;
};
// Applies SET `name` `value` (is_driver_core_variable) to `state` as main.c:1181-1216 does:
// driver.debug takes an integer (else invalid); driver.flag.allow_killpower takes a number
// (> 0 is 1, else 0) or enable*/true/yes/on (1; anything else 0).
CoreSet set_driver_core_variable(std::string_view name, std::string_view value, int configured,
                                 UpsState& state);

}  // namespace walnut::usbhid
