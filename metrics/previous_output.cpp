#include "metrics/previous_output.h"

#include <algorithm>
#include <optional>

namespace walnut::metrics {
namespace {

// Unescapes a label value that starts right after its opening quote; nullopt when the closing
// quote is missing or an escape is not one the format defines.
std::optional<std::string> label_value(std::string_view text) {
  std::string value;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') return value;
    if (c != '\\') {
      value += c;
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\': value += '\\'; break;
      case '"': value += '"'; break;
      case 'n': value += '\n'; break;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> scraped_ups_names(std::string_view exposition) {
  constexpr std::string_view kPrefix = "ups_scrape_success{ups=\"";
  std::vector<std::string> names;
  while (!exposition.empty()) {
    const std::size_t lf = exposition.find('\n');
    const std::string_view line = exposition.substr(0, lf);
    exposition.remove_prefix(lf == std::string_view::npos ? exposition.size() : lf + 1);
    if (!line.starts_with(kPrefix)) continue;
    auto name = label_value(line.substr(kPrefix.size()));
    if (!name || name->empty()) continue;
    if (std::find(names.begin(), names.end(), *name) == names.end()) names.push_back(std::move(*name));
  }
  return names;
}

}  // namespace walnut::metrics
