// Command-line parsing and settings validation for usbhid-ups.
#include "drivers/usbhid/driver_options.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

namespace walnut::usbhid {
namespace {

enum class VarType { kValue, kFlag };

struct KnownVar {
  const char* name;
  VarType type;
  const char* description;
};

// The variables usbhid-ups registers (upsdrv_makevartable, nut_usb_addvars) plus main.c's own
// and walnut's additions, in registration order (the order -h lists them).
constexpr KnownVar kKnownVars[] = {
    {"lowbatt", VarType::kValue, "Set low battery level, in % (default=30)"},
    {"offdelay", VarType::kValue, "Set shutdown delay, in seconds (default=20)"},
    {"ondelay", VarType::kValue, "Set startup delay, in seconds (default=30)"},
    {"pollfreq", VarType::kValue,
     "Set polling frequency, in seconds, to reduce data flow (default=30)"},
    {"pollonly", VarType::kFlag, "Don't use interrupt pipe, only use polling"},
    {"onlinedischarge", VarType::kFlag, "Set to treat discharging while online as being offline"},
    {"onlinedischarge_onbattery", VarType::kFlag,
     "Set to treat discharging while online as being offline"},
    {"onlinedischarge_calibration", VarType::kFlag,
     "Set to treat discharging while online as doing calibration"},
    {"vendor", VarType::kValue, "Regular expression to match UPS Manufacturer string"},
    {"product", VarType::kValue, "Regular expression to match UPS Product string"},
    {"serial", VarType::kValue, "Regular expression to match UPS Serial number"},
    {"vendorid", VarType::kValue,
     "Regular expression to match UPS Manufacturer numerical ID (4 digits hexadecimal)"},
    {"productid", VarType::kValue,
     "Regular expression to match UPS Product numerical ID (4 digits hexadecimal)"},
    {"bus", VarType::kValue, "Regular expression to match USB bus name"},
    {"device", VarType::kValue, "Regular expression to match USB device name"},
    {"busport", VarType::kValue, "Regular expression to match USB bus port name"},
    {"usb_set_altinterface", VarType::kValue,
     "Force redundant call to usb_set_altinterface() (value=bAlternateSetting; default=0)"},
    {"explore", VarType::kFlag, "Diagnostic matching of unsupported UPS"},
    {"maxreport", VarType::kFlag, "Activate tweak for buggy APC Back-UPS firmware"},
    {"interruptonly", VarType::kFlag, "Don't use polling, only use interrupt pipe"},
    {"interruptsize", VarType::kValue, "Number of bytes to read from interrupt pipe"},
    {"subdriver", VarType::kValue, "Explicit USB HID subdriver selection"},
    {"allow_killpower", VarType::kFlag, "Allow the driver.killpower instant command"},
    {"mapping", VarType::kValue, "walnut: read the HID-to-NUT mapping from this YAML file"},
    {"capture", VarType::kValue, "walnut: write a capture of the device to this file"},
    {"capture_keep_serial", VarType::kFlag, "walnut: keep serial numbers in the capture"},
};

// main.c handles these itself (main_arg) before the driver's table is consulted.
constexpr std::string_view kMainValues[] = {"port",  "user",        "group",     "sddelay",
                                            "synchronous", "sdorder", "desc", "debug_min",
                                            "pollinterval", "driver", "sdcommands", "chroot",
                                            "maxstartdelay", "maxretry", "retrydelay", "nowait"};
constexpr std::string_view kMainFlags[] = {"nolock", "ignorelb", "nowait"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() > prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

const KnownVar* find_known(std::string_view key) {
  for (const auto& known : kKnownVars) {
    if (iequals(known.name, key)) return &known;
  }
  return nullptr;
}

template <typename List>
bool contains(const List& list, std::string_view key) {
  for (std::string_view item : list) {
    if (item == key) return true;
  }
  return false;
}

Result<long> parse_positive(std::string_view key, const std::string& text) {
  long number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || number <= 0) {
    return Error{fmt::format("invalid value for {}: '{}'", key, text)};
  }
  return number;
}

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
  else if (key == "subdriver") options.subdriver = text;
  else if (key == "mapping") options.mapping_file = text;
  else if (key == "capture") options.capture_file = text;
  else if (key == "user") options.user = text;
  else if (key == "group") options.group = text;
  else if (key == "pollinterval" || key == "pollfreq" || key == "interruptsize") {
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

}  // namespace

Result<DriverOptions> make_driver_options(const std::vector<Setting>& settings) {
  DriverOptions options;
  for (const auto& setting : settings) {
    const std::string& key = setting.key;
    if (starts_with_ignoring_case(key, "override.") && setting.value) {
      options.overrides.emplace_back(key.substr(9), *setting.value);
      continue;
    }
    if (starts_with_ignoring_case(key, "default.") && setting.value) {
      options.defaults.emplace_back(key.substr(8), *setting.value);
      continue;
    }
    const bool is_main = setting.value ? contains(kMainValues, key) : contains(kMainFlags, key);
    const KnownVar* known = find_known(key);
    if (!is_main && (known == nullptr ||
                     (known->type == VarType::kFlag) != !setting.value.has_value())) {
      return Error{fmt::format("Fatal error: '{}' is not a valid {} for this driver.", key,
                               setting.value ? "variable name" : "flag")};
    }
    options.values[key] = setting.value;
    if (auto status = apply_typed(options, key, setting.value); !status) {
      return Error{status.error()};
    }
    // main.c publishes the port and the driver's own table; its other keys stay private.
    if (key == "port" || known != nullptr) {
      publish(options, setting.value ? "driver.parameter." + key : "driver.flag." + key,
              setting.value.value_or("enabled"));
    } else if (key == "ignorelb" || key == "nolock") {
      publish(options, "driver.flag." + key, "enabled");
    }
  }
  if (options.port.empty()) {
    return Error{
        "Error: you must specify a port name in ups.conf or in '-x port=...' argument."};
  }
  return options;
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
  constexpr std::string_view kValued = "asxdiugr";
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
        case 'F': line.foreground = true; break;
        case 'B': line.background = true; break;
        case 'k': line.kill_power = true; break;
        case 'V': line.show_version = true; break;
        case 'h': line.show_help = true; break;
        case 'q': case 'L': break;
        default:
          return Error{fmt::format("Error: unknown option -{}. Try -h for help.", option)};
      }
    }
  }
  if (!named && !line.show_help && !line.show_version) {
    return Error{"Error: specifying '-a id' or '-s id' is now mandatory. Try -h for help."};
  }
  return line;
}

std::string help_text(const std::string& program) {
  std::string text = fmt::format("\nusage: {} (-a <id>|-s <id>) [OPTIONS]\n", program);
  text +=
      "  -a <id>        - autoconfig using ups.conf section <id>\n"
      "                 - note: -x after -a overrides ups.conf settings\n\n"
      "  -s <id>        - configure directly from cmd line arguments\n"
      "                 - note: must specify all driver parameters with successive -x\n"
      "                 - note: at least 'port' variable should be set\n\n"
      "  -V             - print version, then exit\n"
      "  -D             - raise debugging level (and stay foreground by default)\n"
      "  -d <count>     - dump data to stdout after 'count' updates loop and exit\n"
      "  -F             - stay foregrounded even if no debugging is enabled\n"
      "  -B             - stay backgrounded even if debugging is bumped\n"
      "  -h             - display this help\n"
      "  -k             - force shutdown\n"
      "  -i <int>       - poll interval\n"
      "  -u <user>      - switch to <user> (if started as root; default: nut)\n"
      "  -x <var>=<val> - set driver variable <var> to <val>\n"
      "                 - example: -x cable=940-0095B\n\n"
      "Acceptable values for -x or ups.conf in this driver:\n\n";
  for (const auto& known : kKnownVars) {
    if (known.type == VarType::kValue) {
      text += fmt::format("{:>40} : -x {}=<value>\n", known.description, known.name);
    } else {
      text += fmt::format("{:>40} : -x {}\n", known.description, known.name);
    }
  }
  text += "\nPorts: auto (libusb-1.0), hidraw or /dev/hidrawN (hidapi), sim:FILE (a capture)\n";
  return text;
}

}  // namespace walnut::usbhid
