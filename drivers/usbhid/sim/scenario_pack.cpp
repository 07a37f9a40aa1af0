// A scenario packed (scenario.h), and load_scenario() through walnut-yaml: the YAML side of
// scenarios (scenario.cpp) runs in walnut-yaml, never in the driver.
#include <charconv>

#include <fmt/format.h>

#include "common/pack.h"
#include "common/yaml_helper.h"
#include "drivers/usbhid/sim/scenario.h"

namespace walnut::usbhid::sim {
namespace {

// Times travel as text, fmt's shortest form that reads back to the same double.
std::string seconds_text(double seconds) { return fmt::format("{}", seconds); }

bool read_seconds(std::string_view text, double& seconds) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string pack_scenario(const Scenario& scenario) {
  PackWriter out;
  out.text(scenario.description);
  out.text(scenario.time_scale ? seconds_text(*scenario.time_scale) : std::string());
  out.unsigned_number(scenario.events.size());
  for (const ScenarioEvent& event : scenario.events) {
    out.text(seconds_text(event.at));
    out.text(event.text);
  }
  return out.bytes();
}

Result<Scenario> unpack_scenario(std::string_view bytes) {
  PackReader in(bytes);
  Scenario scenario;
  scenario.description = in.text();
  if (const std::string_view scale = in.text(); !scale.empty()) {
    double value = 0;
    if (!read_seconds(scale, value)) return Error{"packed scenario: bad time scale"};
    scenario.time_scale = value;
  }
  scenario.events.resize(in.count());
  for (ScenarioEvent& event : scenario.events) {
    if (!read_seconds(in.text(), event.at)) return Error{"packed scenario: bad event time"};
    event.text = in.text();
    auto command = parse_sim_command(event.text);
    if (!command) return Error{fmt::format("packed scenario: {}", command.error())};
    event.command = std::move(*command);
  }
  if (!in.ok() || !in.at_end()) return Error{"packed scenario: truncated or corrupt"};
  return scenario;
}

Result<Scenario> load_scenario(const std::string& path) {
  auto packed = run_walnut_yaml({"pack-scenario", path});
  if (!packed) return Error{packed.error()};
  return unpack_scenario(*packed);
}

}  // namespace walnut::usbhid::sim
