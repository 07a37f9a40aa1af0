#include "tests/bench/options.h"

#include <charconv>

#include <fmt/format.h>

namespace walnut::bench {

Result<Options> Options::parse(const std::vector<std::string>& arguments) {
  Options options;
  if (arguments.empty() || arguments[0].starts_with("-")) return Error{"missing scenario name"};
  options.scenario_ = arguments[0];
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (!argument.starts_with("--") || argument.size() == 2) {
      return Error{fmt::format("unexpected argument \"{}\"", argument)};
    }
    std::string key = argument.substr(2);
    std::string value;
    if (std::size_t equals = key.find('='); equals != std::string::npos) {
      value = key.substr(equals + 1);
      key.resize(equals);
    } else if (i + 1 < arguments.size()) {
      value = arguments[++i];
    } else {
      return Error{fmt::format("option --{} needs a value", key)};
    }
    options.values_[key] = value;
  }
  return options;
}

Result<double> Options::number(const std::string& key, double fallback) {
  read_.insert(key);
  auto found = values_.find(key);
  if (found == values_.end()) return fallback;
  const std::string& text = found->second;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return Error{fmt::format("option --{}: \"{}\" is not a number", key, text)};
  }
  return value;
}

std::string Options::text(const std::string& key, const std::string& fallback) {
  read_.insert(key);
  auto found = values_.find(key);
  return found == values_.end() ? fallback : found->second;
}

std::vector<std::string> Options::unused() const {
  std::vector<std::string> keys;
  for (const auto& [key, value] : values_) {
    if (!read_.contains(key)) keys.push_back(key);
  }
  return keys;
}

}  // namespace walnut::bench
