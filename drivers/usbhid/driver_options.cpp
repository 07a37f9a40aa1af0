// Command-line parsing and settings validation for usbhid-ups.
#include "drivers/usbhid/driver_options.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "drivers/usbhid/driver_vars.h"

namespace walnut::usbhid {
namespace {

bool starts_with_ignoring_case(const std::string& text, std::string_view prefix) {
  return text.size() > prefix.size() &&
         ::strncasecmp(text.c_str(), prefix.data(), prefix.size()) == 0;
}

Result<long> parse_positive(std::string_view key, const std::string& text) {
  long number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || number <= 0) {
    return Error{fmt::format("invalid value for {}: '{}'", key, text)};
  }
  return number;
}

// NUT's str_to_ushort(s, &us, 16) for the usb_* indexes (libusb1.c:254-283): hexadecimal,
// optional 0x, the whole string; NUT stops the driver when it cannot parse one, so do we.
Result<std::uint8_t> parse_usb_index(std::string_view key, const std::string& text) {
  std::string_view digits = text;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
  }
  unsigned number = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number, 16);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      number > 0xff) {
    return Error{fmt::format("Fatal error: could not parse {}: '{}'", key, text)};
  }
  return static_cast<std::uint8_t>(number);
}

// NUT's atoi: leading digits (with sign) count, anything else is 0.
long leading_number(const std::string& text) { return std::strtol(text.c_str(), nullptr, 10); }

// Stores one typed option; returns an error for a bad number.
Status apply_typed(DriverOptions& options, const std::string& key,
                   const std::optional<std::string>& value) {
  const std::string text = value.value_or("");
  auto& match = options.match;
  if (key == "port") options.port = text;
  else if (key == "vendorid") match.vendor_id = text;
  else if (key == "productid") match.product_id = text;
  else if (key == "vendor") match.vendor = text;
  else if (key == "product") match.product = text;
  else if (key == "serial") match.serial = text;
  else if (key == "bus") match.bus = text;
  else if (key == "device") match.device = text;
  else if (key == "busport") match.bus_port = text;
  else if (key == "pollonly") options.poll_only = true;
  else if (key == "interruptonly") options.interrupt_only = true;
  else if (key == "explore") options.explore = true;
  else if (key == "ignorelb") options.ignore_lb = true;
  else if (key == "allow_killpower") options.allow_killpower = true;
  else if (key == "maxreport") options.max_report = true;
  else if (key == "disable_fix_report_desc") options.disable_fix_report_desc = true;
  else if (key == "allow_duplicates") options.usb.allow_duplicates = true;
  else if (key == "subdriver") options.subdriver = text;
  else if (key == "mapping") options.mapping_file = text;
  else if (key == "capture") options.capture_file = text;
  else if (key == "user") options.user = text;
  else if (key == "group") options.group = text;
  else if (key == "sdcommands") options.sdcommands = text;
  else if (key == "LIBUSB_DEBUG") options.libusb_debug = text;
  else if (key == "driver") options.driver = text;
  else if (key == "chroot") options.chroot_dir = text;
  else if (key == "debug_min") {
    // main.c:1431: a bad value is only logged.
    if (const long level = leading_number(text); level >= 0 && !text.empty()) {
      options.debug_min = static_cast<int>(level);
    }
  } else if (key == "waitbeforereconnect") {
    // usbhid-ups.c:2541: atoi; zero or less means "at once".
    options.wait_before_reconnect = std::chrono::seconds(std::max(0L, leading_number(text)));
  } else if (key == "interrupt_pipe_no_events_tolerance") {
    // usbhid-ups.c:1670: str_to_long; anything unparsable is -1 (never), with a warning.
    long number = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end != text.data() + text.size()) {
      number = -1;
      options.warnings.push_back(fmt::format(
          "Invalid setting for interrupt_pipe_no_events_tolerance: '{}', defaulting to -1", text));
    }
    options.interrupt_pipe_no_events_tolerance = number;
  } else if (key == "lbrb_log_delay_sec") {
    // usbhid-ups.c:1865: atoi; a negative or unparsable value is 3, with a warning.
    long seconds = leading_number(text);
    if ((seconds == 0 && text != "0") || seconds < 0) {
      seconds = 3;
      options.warnings.push_back(fmt::format(
          "Warning: invalid value for lbrb_log_delay_sec: {}, defaulting to 3", text));
    }
    options.lbrb_log_delay_sec = static_cast<int>(seconds);
  } else if (key == "onlinedischarge_log_throttle_sec") {
    // usbhid-ups.c:1830: atoi; unparsable is 30 with a warning; negative is -1 (never by time).
    long seconds = leading_number(text);
    if (seconds == 0 && text != "0") {
      seconds = 30;
      options.warnings.push_back(fmt::format(
          "Warning: invalid value for onlinedischarge_log_throttle_sec: {}, defaulting to 30", text));
    }
    options.onlinedischarge_log_throttle_sec = static_cast<int>(std::max(seconds, -1L));
  } else if (key == "onlinedischarge_log_throttle_hovercharge") {
    // usbhid-ups.c:1850: 1..100, else 100 with a warning.
    long percent = leading_number(text);
    if (percent < 1 || percent > 100) {
      percent = 100;
      options.warnings.push_back(fmt::format(
          "Warning: invalid value for onlinedischarge_log_throttle_hovercharge: {}, defaulting to 100",
          text));
    }
    options.onlinedischarge_log_throttle_hovercharge = static_cast<int>(percent);
  } else if (key == "usb_set_altinterface") {
    // libusb1.c:136: strtol base 10, a bad number only warned about; the flag form means 0.
    options.usb.alt_setting = value ? static_cast<int>(leading_number(text)) : 0;
  } else if (key == "usb_config_index" || key == "usb_hid_rep_index" ||
             key == "usb_hid_desc_index" || key == "usb_hid_ep_in" || key == "usb_hid_ep_out") {
    auto number = parse_usb_index(key, text);
    if (!number) return Error{number.error()};
    auto& usb = options.usb;
    if (key == "usb_config_index") usb.config_index = *number;
    if (key == "usb_hid_rep_index") usb.interface = *number;
    if (key == "usb_hid_desc_index") usb.desc_index = *number;
    if (key == "usb_hid_ep_in") usb.endpoint_in = *number;
    if (key == "usb_hid_ep_out") usb.endpoint_out = *number;
  } else if (key == "pollinterval" || key == "pollfreq" || key == "interruptsize") {
    auto number = parse_positive(key, text);
    if (!number) return Error{number.error()};
    if (key == "pollinterval") options.poll_interval = std::chrono::seconds(*number);
    if (key == "pollfreq") options.poll_freq = std::chrono::seconds(*number);
    if (key == "interruptsize") options.interrupt_size = static_cast<std::size_t>(*number);
  }
  return Ok{};
}

void publish(DriverOptions& options, const std::string& name, const std::string& value) {
  for (auto& [published_name, published_value] : options.published) {
    if (published_name == name) {
      published_value = value;
      return;
    }
  }
  options.published.emplace_back(name, value);
}

std::string origin_of(const Setting& setting) {
  if (!setting.origin.empty()) return setting.origin;
  return setting.value ? "-x " + setting.key + "=" + *setting.value : "-x " + setting.key;
}

}  // namespace

Result<DriverOptions> make_driver_options(const std::vector<Setting>& settings,
                                          std::string_view program, std::string_view ups_name) {
  DriverOptions options;
  for (const auto& setting : settings) {
    if (starts_with_ignoring_case(setting.key, "override.") && setting.value) {
      options.overrides.emplace_back(setting.key.substr(9), *setting.value);
      continue;
    }
    if (starts_with_ignoring_case(setting.key, "default.") && setting.value) {
      options.defaults.emplace_back(setting.key.substr(8), *setting.value);
      continue;
    }
    const VarType type = setting.value ? VarType::kValue : VarType::kFlag;
    const DriverVar* main_var = find_main_var(setting.key, type);
    // `driver` reaches main.c's check only from ups.conf (do_upsconf_args); -x driver=... goes
    // to the driver's table, which has no such key.
    if (main_var != nullptr && main_var->name == "driver" && !setting.from_ups_conf) {
      main_var = nullptr;
    }
    const DriverVar* known = main_var == nullptr ? find_driver_var(setting.key) : nullptr;
    if (main_var == nullptr && (known == nullptr || known->type != type)) {
      return Error{fmt::format("Fatal error: '{}' is not a valid {} for this driver.", setting.key,
                               setting.value ? "variable name" : "flag")};
    }
    // NUT looks the driver's keys up case-insensitively: use the table's spelling.
    const std::string key(known != nullptr ? known->name : main_var->name);
    if (key == "driver" && setting.value != program) {
      return Error{fmt::format("Error: UPS [{}] is for driver '{}', but I'm '{}'!", ups_name,
                               *setting.value, program)};
    }
    const DriverVar* var = known != nullptr ? known : main_var;
    if (var->support == Support::kIgnored) {
      options.warnings.push_back(fmt::format("{}: '{}' is accepted but ignored by walnut: {}",
                                             origin_of(setting), key, var->reason));
    }
    options.values[key] = setting.value;
    if (auto status = apply_typed(options, key, setting.value); !status) {
      return Error{status.error()};
    }
    // main.c publishes the port, a few of its own and the driver's table; its other keys stay
    // private.
    if (key == "port" || key == "sdcommands" || known != nullptr) {
      publish(options, setting.value ? "driver.parameter." + key : "driver.flag." + key,
              setting.value.value_or("enabled"));
    } else if (key == "ignorelb" || key == "nolock" || key == "allow_killpower") {
      publish(options, "driver.flag." + key, "enabled");
    }
  }
  if (options.port.empty()) {
    return Error{
        "Error: you must specify a port name in ups.conf or in '-x port=...' argument."};
  }
  return options;
}

std::optional<std::string> match_driver_command(std::string_view argument) {
  for (std::string_view command : {"reload-or-error", "exit", "reload", "reload-or-exit"}) {
    if (argument.size() <= command.size() && command.substr(0, argument.size()) == argument) {
      return std::string(command);
    }
  }
  return std::nullopt;
}

}  // namespace walnut::usbhid

namespace walnut::usbhid {
namespace {

// Takes an option's value: the rest of this argument, or the next one.
Result<std::string> option_value(const std::vector<std::string>& args, std::size_t& index,
                                 std::size_t position, char option) {
  const std::string& arg = args[index];
  if (position + 1 < arg.size()) return arg.substr(position + 1);
  if (index + 1 >= args.size()) {
    return Error{fmt::format("Error: option -{} requires an argument. Try -h for help.", option)};
  }
  return args[++index];
}

Result<int> parse_int(const std::string& text, char option) {
  int number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Error{fmt::format("Error: invalid number for -{}: '{}'", option, text)};
  }
  return number;
}

// Applies one option that takes a value. Returns an error for a bad value.
Status apply_valued(CommandLine& line, char option, const std::string& value, bool& named) {
  switch (option) {
    case 'a':
    case 's':
      if (named) {
        return Error{
            "Error: options '-a id' and '-s id' are mutually exclusive and single-use only."};
      }
      line.ups_name = value;
      line.from_ups_conf = option == 'a';
      named = true;
      return Ok{};
    case 'x': {
      const auto equals = value.find('=');
      if (equals == std::string::npos) {
        line.settings.push_back({value, std::nullopt});
      } else {
        line.settings.push_back({value.substr(0, equals), value.substr(equals + 1)});
      }
      return Ok{};
    }
    case 'd':
    case 'i': {
      auto number = parse_int(value, option);
      if (!number) return Error{number.error()};
      if (option == 'd') line.dump_after = *number;
      if (option == 'i') {
        if (*number <= 0) {
          return Error{fmt::format("Error: command-line: invalid pollinterval: {}", *number)};
        }
        line.poll_interval = *number;
      }
      return Ok{};
    }
    case 'c': {
      if (line.command) {
        return Error{"Error: only one command per run can be sent with option -c. Try -h for help."};
      }
      line.command = match_driver_command(value);
      if (!line.command) {
        return Error{"Error: unknown argument to option -c. Try -h for help."};
      }
      return Ok{};
    }
    case 'P': {
      auto number = parse_int(value, option);
      if (!number || *number <= 0) return Error{"Error: invalid PID for -P: '" + value + "'"};
      line.command_pid = *number;
      return Ok{};
    }
    case 'u': line.user = value; return Ok{};
    case 'g': line.group = value; return Ok{};
    case 'r': line.chroot_dir = value; return Ok{};
    default: return Ok{};
  }
}

}  // namespace

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  bool named = false;
  constexpr std::string_view kValued = "asxdiugrcP";
  for (std::size_t index = 0; index < args.size(); ++index) {
    const std::string& arg = args[index];
    if (arg.size() < 2 || arg[0] != '-') {
      return Error{"Error: too many non-option arguments. Try -h for help."};
    }
    for (std::size_t position = 1; position < arg.size(); ++position) {
      const char option = arg[position];
      if (kValued.find(option) != std::string_view::npos) {
        auto value = option_value(args, index, position, option);
        if (!value) return Error{value.error()};
        if (auto applied = apply_valued(line, option, *value, named); !applied) {
          return Error{applied.error()};
        }
        break;  // the value used the rest of this argument
      }
      switch (option) {
        case 'D': ++line.debug_level; break;
        case 'F':
          line.foreground = true;
          ++line.foreground_count;
          break;
        case 'B': line.background = true; break;
        case 'k': line.kill_power = true; break;
        case 'V': line.show_version = true; break;
        case 'h': line.show_help = true; break;
        case 'q': ++line.quiet; break;
        case 'L': line.list_vars = true; break;
        default:
          return Error{fmt::format("Error: unknown option -{}. Try -h for help.", option)};
      }
    }
  }
  if (!named && !line.show_help && !line.show_version && !line.list_vars) {
    return Error{"Error: specifying '-a id' or '-s id' is now mandatory. Try -h for help."};
  }
  return line;
}

std::string help_text(const std::string& program) {
  // NUT 2.8.5's help_msg (drivers/main.c), minus what walnut does not do (WIN32 notes).
  std::string text = fmt::format("\nusage: {} (-a <id>|-s <id>) [OPTIONS]\n", program);
  text +=
      "  -a <id>        - autoconfig using ups.conf section <id>\n"
      "                 - note: -x after -a overrides ups.conf settings\n\n"
      "  -s <id>        - configure directly from cmd line arguments\n"
      "                 - note: must specify all driver parameters with successive -x\n"
      "                 - note: at least 'port' variable should be set\n\n"
      "  -V             - print version, then exit\n"
      "  -L             - print parseable list of driver variables\n"
      "  -D             - raise debugging level (and stay foreground by default)\n"
      "  -d <count>     - dump data to stdout after 'count' updates loop and exit\n"
      "  -F             - stay foregrounded even if no debugging is enabled\n"
      "  -FF            - stay foregrounded and still save the PID file\n"
      "  -B             - stay backgrounded even if debugging is bumped\n"
      "  -q             - raise log level threshold\n"
      "  -h             - display this help\n"
      "  -k             - force shutdown\n"
      "  -c <command>   - send <command> via signal to background process\n"
      "                   Supported commands:\n"
      "                   - reload: re-read configuration files (NUT 2.8.5 matches this\n"
      "                     as reload-or-error, and so does walnut)\n"
      "                   - reload-or-error: re-read configuration files, and fail if a\n"
      "                     changed value needs a driver restart\n"
      "                   - reload-or-exit: re-read configuration files (exit the old\n"
      "                     driver instance if needed)\n"
      "                   - exit: tell the currently running driver instance to just exit\n"
      "  -P <pid>       - send the signal above to specified PID (bypassing PID file)\n"
      "  -i <int>       - poll interval\n"
      "  -r <dir>       - chroot to <dir>\n"
      "  -u <user>      - switch to <user> (if started as root)\n"
      "  -g <group>     - set pipe access to <group> (if started as root)\n"
      "  -x <var>=<val> - set driver variable <var> to <val>\n"
      "                 - example: -x cable=940-0095B\n\n"
      "Acceptable values for -x or ups.conf in this driver:\n\n";
  std::size_t width = 0;
  for (const auto& var : driver_vars()) width = std::max(width, var.name.size());
  for (const auto& var : driver_vars()) {
    text += fmt::format("  {:>{}}{}\t{}\n", var.name, width,
                        var.type == VarType::kValue ? "=<value>" : "        ", var.description);
  }
  text += "\nPorts: auto (libusb-1.0), hidraw or /dev/hidrawN (hidapi), sim:FILE (a capture)\n";
  return text;
}

}  // namespace walnut::usbhid
