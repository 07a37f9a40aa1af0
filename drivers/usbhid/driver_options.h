// usbhid-ups's command line and settings, as NUT's drivers/main.c and usbhid-ups.c take them:
// argv -> CommandLine, then ups.conf section + -x settings -> DriverOptions. Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {

// One ups.conf line or -x argument: `key = value`, or a bare flag (no value).
struct Setting {
  std::string key;
  std::optional<std::string> value;
  // Where it was set, for warnings: "/etc/nut/ups.conf:12", "-x" (empty: -x too).
  std::string origin = {};
  bool from_ups_conf = false;  // a section line (only those may say `driver =`)
};

struct CommandLine {
  std::string ups_name;
  bool from_ups_conf = false;     // -a NAME (read ups.conf), else -s NAME
  std::vector<Setting> settings;  // -x key[=value], in order; they override ups.conf
  int debug_level = 0;            // -D count
  int dump_after = 0;             // -d N: dump the variables after N updates and exit
  bool foreground = false;        // -F
  bool background = false;        // -B
  bool kill_power = false;        // -k
  bool show_version = false;      // -V
  bool show_help = false;         // -h
  bool list_vars = false;         // -L: NUT's parseable list of the driver's variables
  int foreground_count = 0;       // -F count: -FF stays foreground and still writes the PID file
  int quiet = 0;                  // -q count: raises the syslog threshold (NUT's nut_log_level)
  std::optional<std::string> command;  // -c: reload-or-error, exit, reload-or-exit (NUT's names)
  std::optional<int> command_pid;      // -P: signal this PID instead of the PID file's
  std::optional<std::string> user;        // -u
  std::optional<std::string> group;       // -g
  std::optional<std::string> chroot_dir;  // -r
  std::optional<int> poll_interval;       // -i
};

// Parses the arguments after argv[0] as NUT 2.8.5's getopt string "+a:s:kDFBd:hx:Lqr:u:g:Vi:c:P:"
// does
// (clustered flags like -DDD, values attached or separate). -h and -V need no UPS name; anything
// else requires -a or -s. Errors say what is wrong, in NUT's words where it has some.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

// The settings the driver understands, typed. Unknown keys were refused by make_driver_options.
struct DriverOptions {
  std::string port;
  MatchCriteria match;
  std::chrono::seconds poll_interval{2};
  std::chrono::seconds poll_freq{30};
  bool poll_only = false;
  bool interrupt_only = false;
  std::optional<std::size_t> interrupt_size;
  bool explore = false;
  bool ignore_lb = false;
  bool max_report = false;               // maxreport (UpsDevice adds NUT's APC auto-quirk)
  bool disable_fix_report_desc = false;  // skip NUT's per-vendor descriptor fixes
  UsbTuning usb;
  std::chrono::seconds wait_before_reconnect{0};    // waitbeforereconnect
  long interrupt_pipe_no_events_tolerance = -1;     // -1: a quiet pipe is never a reason to reconnect
  std::optional<int> lbrb_log_delay_sec;            // unset: 0, or NUT's 3 for APC BX...MI & co.
  int onlinedischarge_log_throttle_sec = -2;        // -2 unset, -1 never by time
  int onlinedischarge_log_throttle_hovercharge = 100;
  std::optional<std::string> sdcommands;            // -k / driver.killpower: commands to try
  std::optional<int> debug_min;                     // debug_min: lowest debug level
  std::optional<std::string> libusb_debug;          // LIBUSB_DEBUG
  std::optional<std::string> driver;                // driver = (checked against the program)
  std::optional<std::string> chroot_dir;            // global chroot (as -r)
  bool allow_killpower = false;
  std::optional<std::string> subdriver;
  std::optional<std::string> mapping_file;  // walnut: a YAML mapping instead of the built-in one
  std::optional<std::string> capture_file;  // walnut: write a capture of the device, then run on
  std::optional<std::string> user;
  std::optional<std::string> group;
  std::vector<std::pair<std::string, std::string>> overrides;  // override.<var> (immutable)
  std::vector<std::pair<std::string, std::string>> defaults;   // default.<var> (device may overwrite)
  // Every setting by key (later ones win), for the device model (offdelay, ondelay, lowbatt,
  // onlinedischarge*, maxreport, ...).
  std::map<std::string, std::optional<std::string>> values;
  // driver.parameter.<key> / driver.flag.<key> variables, in the order NUT publishes them.
  std::vector<std::pair<std::string, std::string>> published;
  // One line per key walnut accepts but cannot honour: "<origin>: '<key>' ... ignored: <why>".
  std::vector<std::string> warnings;
};

// Builds the options from settings in order (ups.conf section first, then -x). An unknown key
// is NUT's fatal "'<key>' is not a valid variable name for this driver." (or "flag"); a
// `driver =` from ups.conf that is not `program` is NUT's fatal "Error: UPS [<ups>] is for
// driver '<x>', but I'm '<program>'!". A key walnut cannot honour only adds a warning.
Result<DriverOptions> make_driver_options(const std::vector<Setting>& settings,
                                          std::string_view program = "usbhid-ups",
                                          std::string_view ups_name = "");

// NUT's -h text for this driver, including the table of accepted -x variables and flags.
std::string help_text(const std::string& program);

// -c's argument as NUT 2.8.5 matches it (main.c:2368): the first of reload-or-error, exit,
// reload, reload-or-exit that the argument is a prefix of, so "reload" means reload-or-error
// there too. Nothing when none matches.
std::optional<std::string> match_driver_command(std::string_view argument);

}  // namespace walnut::usbhid
