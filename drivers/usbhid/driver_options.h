// usbhid-ups's command line and settings, as NUT's drivers/main.c and usbhid-ups.c take them:
// argv -> CommandLine, then ups.conf section + -x settings -> DriverOptions. Pure.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {

// One ups.conf line or -x argument: `key = value`, or a bare flag (no value).
struct Setting {
  std::string key;
  std::optional<std::string> value;
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
  std::optional<std::string> user;        // -u
  std::optional<std::string> group;       // -g
  std::optional<std::string> chroot_dir;  // -r
  std::optional<int> poll_interval;       // -i
};

// Parses the arguments after argv[0] as NUT's getopt string "+a:s:kDFBd:hx:Lqr:u:g:Vi:" does
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
};

// Builds the options from settings in order (ups.conf section first, then -x). An unknown key
// is NUT's fatal "'<key>' is not a valid variable name for this driver." (or "flag").
Result<DriverOptions> make_driver_options(const std::vector<Setting>& settings);

// NUT's -h text for this driver, including the table of accepted -x variables and flags.
std::string help_text(const std::string& program);

}  // namespace walnut::usbhid
