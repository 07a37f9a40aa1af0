// Scenario files.
#include "drivers/usbhid/sim/scenario.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace walnut::usbhid::sim {
namespace {

std::string where(std::string_view name, const YAML::Node& node) {
  return fmt::format("{}:{}", name, node.Mark().line + 1);
}

Result<ScenarioEvent> parse_event(const YAML::Node& node, std::string_view name) {
  if (!node.IsMap() || !node["at"] || !node["do"]) {
    return Error{where(name, node) + ": an event needs 'at' and 'do'"};
  }
  for (const auto& entry : node) {
    const auto key = entry.first.as<std::string>();
    if (key != "at" && key != "do") {
      return Error{fmt::format("{}: unknown event key '{}'", where(name, entry.first), key)};
    }
  }
  ScenarioEvent event;
  auto at = parse_duration(node["at"].as<std::string>());
  if (!at) return Error{where(name, node["at"]) + ": at: " + at.error()};
  event.at = *at;
  event.text = node["do"].as<std::string>();
  auto command = parse_sim_command(event.text);
  if (!command) return Error{where(name, node["do"]) + ": " + command.error()};
  if (command->kind == SimCommand::Kind::kStatus || command->kind == SimCommand::Kind::kHostWrite) {
    return Error{where(name, node["do"]) + ": '" + event.text + "' is not a scenario event"};
  }
  event.command = std::move(*command);
  return event;
}

Result<Scenario> parse_document(const YAML::Node& root, std::string_view name) {
  if (!root.IsMap()) return Error{std::string(name) + ": expected a mapping at the top"};
  Scenario scenario;
  for (const auto& entry : root) {
    const auto key = entry.first.as<std::string>();
    if (key == "description") {
      scenario.description = entry.second.as<std::string>();
    } else if (key == "time_scale") {
      const auto text = entry.second.as<std::string>();
      double value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size() || value <= 0 || value > 10000) {
        return Error{where(name, entry.second) + ": time_scale: expected a number in (0, 10000]"};
      }
      scenario.time_scale = value;
    } else if (key == "events") {
      if (!entry.second.IsSequence()) return Error{where(name, entry.second) + ": events: expected a list"};
      for (const auto& node : entry.second) {
        auto event = parse_event(node, name);
        if (!event) return Error{event.error()};
        scenario.events.push_back(std::move(*event));
      }
    } else {
      return Error{fmt::format("{}: unknown key '{}'", where(name, entry.first), key)};
    }
  }
  std::stable_sort(scenario.events.begin(), scenario.events.end(),
                   [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
  return scenario;
}

}  // namespace

Result<double> parse_duration(std::string_view text) {
  double factor = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's': text.remove_suffix(1); break;
      case 'm': factor = 60; text.remove_suffix(1); break;
      case 'h': factor = 3600; text.remove_suffix(1); break;
      default: break;
    }
  }
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  // from_chars reads "nan" and "inf" too: a NaN time would break the timeline's sort.
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      value < 0) {
    return Error{fmt::format("expected a duration like 90, 90s, 1.5m or 2h, got '{}'", text)};
  }
  return value * factor;
}

Result<Scenario> parse_scenario(std::string_view yaml, std::string_view name) {
  try {
    return parse_document(YAML::Load(std::string(yaml)), name);
  } catch (const YAML::Exception& error) {
    return Error{fmt::format("{}:{}: {}", name, error.mark.line + 1, error.msg)};
  }
}

}  // namespace walnut::usbhid::sim
