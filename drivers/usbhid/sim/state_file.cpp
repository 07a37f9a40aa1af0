// Saving and loading the simulated UPS's state.
#include "drivers/usbhid/sim/state_file.h"

#include <charconv>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "common/config/conf_file.h"

namespace walnut::usbhid::sim {

std::string state_to_text(const SavedState& state) {
  const UpsPhysics& ups = state.ups;
  std::string text;
  auto put = [&text](std::string_view key, double value) {
    text += fmt::format("{} {:.17g}\n", key, value);
  };
  put("wall", state.wall_seconds);
  put("clock", ups.clock);
  put("mains", ups.mains);
  put("utility_voltage", ups.utility_voltage);
  put("load", ups.load);
  put("battery_worn", ups.battery_worn);
  put("battery_present", ups.battery_present);
  put("cable_connected", ups.cable_connected);
  put("charge", ups.charge);
  put("full_runtime", ups.full_runtime);
  put("reference_load", ups.reference_load);
  put("recharge_seconds", ups.recharge_seconds);
  put("output_on", ups.output_on);
  put("shutdown_timer", ups.shutdown_timer.value_or(-1));
  put("shutdown_is_reboot", ups.shutdown_is_reboot);
  put("off_seconds", ups.off_seconds);
  put("test", static_cast<int>(ups.test));
  put("test_seconds_left", ups.test_seconds_left);
  return text;
}

Result<SavedState> state_from_text(std::string_view text) {
  // "key value" pairs separated by blanks; parsed by hand, not with a stream (issue 19: the
  // driver links no iostreams).
  std::map<std::string, double> values;
  constexpr std::string_view kBlanks = " \t\r\n";
  auto next_word = [&text, kBlanks]() {
    const std::size_t start = std::min(text.find_first_not_of(kBlanks), text.size());
    const std::size_t end = std::min(text.find_first_of(kBlanks, start), text.size());
    const std::string_view word = text.substr(start, end - start);
    text.remove_prefix(end);
    return word;
  };
  for (std::string_view key = next_word(); !key.empty(); key = next_word()) {
    const std::string_view number = next_word();
    double value = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || error != std::errc() || end != number.data() + number.size()) {
      return Error{"bad line near '" + std::string(key) + "'"};
    }
    values[std::string(key)] = value;
  }
  static const char* kKeys[] = {"wall", "clock", "mains", "utility_voltage", "load",
                                "battery_worn", "cable_connected", "charge", "full_runtime",
                                "reference_load", "recharge_seconds", "output_on",
                                "shutdown_timer", "shutdown_is_reboot", "off_seconds", "test",
                                "test_seconds_left"};
  for (const char* name : kKeys) {
    if (values.count(name) == 0) return Error{std::string("missing ") + name};
  }
  SavedState state;
  UpsPhysics& ups = state.ups;
  state.wall_seconds = values["wall"];
  ups.clock = values["clock"];
  ups.mains = values["mains"] != 0;
  ups.utility_voltage = values["utility_voltage"];
  ups.load = values["load"];
  ups.battery_worn = values["battery_worn"] != 0;
  // Optional: state files written before the sim modelled a missing battery have none.
  ups.battery_present = values.count("battery_present") == 0 || values["battery_present"] != 0;
  ups.cable_connected = values["cable_connected"] != 0;
  ups.charge = values["charge"];
  ups.full_runtime = values["full_runtime"];
  ups.reference_load = values["reference_load"];
  ups.recharge_seconds = values["recharge_seconds"];
  ups.output_on = values["output_on"] != 0;
  if (values["shutdown_timer"] >= 0) ups.shutdown_timer = values["shutdown_timer"];
  ups.shutdown_is_reboot = values["shutdown_is_reboot"] != 0;
  ups.off_seconds = values["off_seconds"];
  const int test = static_cast<int>(values["test"]);
  if (test < 1 || test > 6) return Error{"bad test value"};
  ups.test = static_cast<SelfTest>(test);
  ups.test_seconds_left = values["test_seconds_left"];
  return state;
}

Status save_state(const std::string& path, const SavedState& state) {
  const std::string temporary = path + ".tmp";
  if (!config::write_text_file(temporary, state_to_text(state))) return Error{"can't write " + temporary};
  if (std::rename(temporary.c_str(), path.c_str()) != 0) return Error{"can't replace " + path};
  return Ok{};
}

Result<SavedState> load_state(const std::string& path) {
  auto text = config::read_text_file(path);
  if (!text) return Error{"can't read " + path};
  auto state = state_from_text(*text);
  if (!state) return Error{path + ": " + state.error()};
  return state;
}

}  // namespace walnut::usbhid::sim
