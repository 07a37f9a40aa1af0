// Scenario files (config/scenarios/*.yaml): a timeline of sim commands on the sim's clock and
// the time-scale factor that makes a ten-minute outage play in seconds. Format in
// docs/simulator.md. Pure: text in, Scenario or an error naming the line out (load_scenario
// aside, which runs walnut-yaml).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/sim/sim_command.h"

namespace walnut::usbhid::sim {

struct ScenarioEvent {
  double at = 0;         // sim seconds since the simulation began
  std::string text;      // the command as written
  SimCommand command;
};

struct Scenario {
  std::string description;
  std::optional<double> time_scale;
  std::vector<ScenarioEvent> events;  // sorted by `at`, file order kept for equal times
};

// "90", "90s", "1.5m", "2h" -> seconds.
Result<double> parse_duration(std::string_view text);

// Parses a scenario; `name` prefixes errors ("power-failure.yaml:7: load: expected ...").
Result<Scenario> parse_scenario(std::string_view yaml, std::string_view name);

// A scenario in the compact form of common/pack.h, each event as its time and command text.
std::string pack_scenario(const Scenario& scenario);
Result<Scenario> unpack_scenario(std::string_view bytes);
// A scenario file, parsed by walnut-yaml in a child process (common/yaml_helper.h): the driver,
// which runs simulations for port = sim:, carries no YAML parser (issue 19).
Result<Scenario> load_scenario(const std::string& path);

}  // namespace walnut::usbhid::sim
