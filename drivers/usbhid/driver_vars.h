// Every setting NUT 2.8.5's usbhid-ups and its driver core accept, as data: the driver's
// variable table (upsdrv_makevartable, nut_usb_addvars: what -h and -L list) and main.c's own
// keys, each with its source line at v2.8.5 and what walnut does with it. docs/usbhid-ups.md
// shows the same table; tests/data/nut-2.8.5-usbhid-ups-vars.txt is the transcription a test
// compares both against.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace walnut::usbhid {

enum class VarType { kValue, kFlag };

// What walnut does with a key.
enum class Support {
  kImplemented,  // honoured as NUT honours it
  kNotForDriver, // NUT's driver takes it and does nothing (upsdrvctl's or upsd's key): so do we
  kIgnored,      // accepted with a one-line warning naming where it was set; the reason says why
};

struct DriverVar {
  std::string_view name;
  VarType type;
  // NUT's description (-h, -L); "walnut: ..." for walnut's own keys.
  std::string_view description;
  // "drivers/usbhid-ups.c:1301" (NUT v2.8.5), or "walnut".
  std::string_view source;
  Support support;
  // For kIgnored: why the key means nothing for walnut (one line).
  std::string_view reason = {};
};

// The driver's table in NUT's registration order (the order -h and -L print), then walnut's
// own keys (mapping, capture).
std::span<const DriverVar> driver_vars();

// The keys drivers/main.c handles itself (main_arg, do_upsconf_args, do_global_args).
// `type` kFlag for the bare flags (nolock, ignorelb, allow_killpower).
std::span<const DriverVar> main_vars();

// Case-insensitive, as NUT's storeval (strcasecmp); nullptr when not in the driver table.
const DriverVar* find_driver_var(std::string_view name);
// Exact, as main_arg compares (strcmp); nullptr when main.c does not handle `name` as `type`.
const DriverVar* find_main_var(std::string_view name, VarType type);

// NUT's -L output: one `VALUE name "description"` or `FLAG name "description"` line per
// driver variable (listxarg in drivers/main.c).
std::string list_vars_text();

}  // namespace walnut::usbhid
