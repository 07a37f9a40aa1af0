#include "tests/bench/result_line.h"

#include <cmath>

#include <fmt/format.h>

namespace walnut::bench {

ResultLine::ResultLine(std::string_view scenario) : text_(fmt::format("scenario={}", scenario)) {}

void ResultLine::add(std::string_view key, double value) {
  if (std::nearbyint(value) == value && std::fabs(value) < 1e15) {
    text_ += fmt::format(" {}={:.0f}", key, value);
  } else {
    text_ += fmt::format(" {}={:.3f}", key, value);
  }
}

void ResultLine::add(std::string_view key, std::string_view text) {
  std::string word(text);
  for (char& c : word) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '=') c = '_';
  }
  text_ += fmt::format(" {}={}", key, word);
}

}  // namespace walnut::bench
