// The driver.* variables and commands of NUT 2.8.5's driver core.
#include "drivers/usbhid/driver_core.h"

#include <charconv>
#include <string>

namespace walnut::usbhid {
namespace {

constexpr std::string_view kDebug = "driver.debug";
constexpr std::string_view kAllowKillpower = "driver.flag.allow_killpower";

// NUT's str_to_int: the whole string is a base-10 integer (leading blanks and a sign allowed).
std::optional<int> whole_integer(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return number;
}

}  // namespace

void publish_driver_core(int debug_level, UpsState& state) {
  state.set_info(kDebug, std::to_string(debug_level));
  state.set_flags(kDebug, kFlagRw | kFlagNumber);
  // walnut's option parsing publishes a flag as 2.8.0 did ("enabled"); 2.8.5 says "1".
  state.set_info(kAllowKillpower, state.find(kAllowKillpower) != nullptr ? "1" : "0");
  state.set_flags(kAllowKillpower, kFlagRw | kFlagNumber);
  for (std::string_view command : kDriverCoreCommands) state.add_cmd(command);
  state.set_info("driver.state", kStateQuiet);
}

bool killpower_allowed(const UpsState& state) {
  const std::string* value = state.value(kAllowKillpower);
  return value != nullptr && *value == "1";
}

bool is_driver_core_variable(std::string_view name) {
  return name == kDebug || name == kAllowKillpower;
}

CoreSet set_driver_core_variable(std::string_view name, std::string_view value, int configured,
                                 UpsState& state) {
  if (name == kDebug) {
    const std::optional<int> number = whole_integer(value);
    if (!number) return {};
    const int level = *number < 0 ? configured : *number;
    state.set_info(kDebug, std::to_string(level));
    return {kSetHandled, level};
  }
  if (name == kAllowKillpower) {
    bool allow = false;
    if (const std::optional<int> number = whole_integer(value)) {
      allow = *number > 0;
    } else {
      allow = value.substr(0, 6) == "enable" || value == "true" || value == "yes" || value == "on";
    }
    state.set_info(kAllowKillpower, allow ? "1" : "0");
    return {kSetHandled, std::nullopt};
  }
  return {};
}

}  // namespace walnut::usbhid
