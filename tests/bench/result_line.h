// One benchmark result as a line of key=value words ("scenario=getvar req_per_s=171234 ...").
// scripts/bench collects these lines; tests/bench/report.py turns them into tables and charts.
#pragma once

#include <string>
#include <string_view>

namespace walnut::bench {

class ResultLine {
 public:
  explicit ResultLine(std::string_view scenario);
  // Whole numbers print without decimals, others with three. Keys and texts hold no spaces.
  void add(std::string_view key, double value);
  void add(std::string_view key, std::string_view text);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace walnut::bench
