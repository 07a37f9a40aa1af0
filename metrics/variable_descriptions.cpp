#include "metrics/variable_descriptions.h"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace walnut::metrics {
namespace {

struct Description {
  std::string_view name;
  std::string_view text;
};

constexpr Description kDescriptions[] = {
#include "metrics/variable_descriptions_table.inc"
};

int compare_ignoring_case(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int ca = std::tolower(static_cast<unsigned char>(a[i]));
    const int cb = std::tolower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace

std::string_view variable_description(std::string_view name) {
  constexpr std::string_view kUpstream = "upstream.";
  if (name.size() > kUpstream.size() &&
      compare_ignoring_case(name.substr(0, kUpstream.size()), kUpstream) == 0) {
    name.remove_prefix(kUpstream.size());
  }
  const auto* found = std::lower_bound(
      std::begin(kDescriptions), std::end(kDescriptions), name,
      [](const Description& d, std::string_view key) { return compare_ignoring_case(d.name, key) < 0; });
  if (found == std::end(kDescriptions) || compare_ignoring_case(found->name, name) != 0) return {};
  return found->text;
}

}  // namespace walnut::metrics
