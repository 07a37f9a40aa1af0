// Command line of walnut-bench: a scenario name, then --key value options. Pure parsing, and
// a record of which options a scenario read, so a misspelt option is an error, not a default.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"

namespace walnut::bench {

class Options {
 public:
  // Parses `walnut-bench SCENARIO [--key value | --key=value]...`.
  static Result<Options> parse(const std::vector<std::string>& arguments);

  const std::string& scenario() const { return scenario_; }

  // The option's value, or `fallback` when absent. A value that is not a number is an error.
  Result<double> number(const std::string& key, double fallback);
  std::string text(const std::string& key, const std::string& fallback);
  bool has(const std::string& key) const { return values_.contains(key); }

  // Options given but never read by the scenario ("--conections").
  std::vector<std::string> unused() const;

 private:
  std::string scenario_;
  std::map<std::string, std::string> values_;
  std::set<std::string> read_;
};

}  // namespace walnut::bench
