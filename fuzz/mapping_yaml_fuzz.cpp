// Fuzzes the vendor-mapping loader: any text gives a mapping or an error that names the file;
// no exception escapes and no crash. The claim side alone (claim_side_text, what subdriver
// selection parses) keeps every line and loads the same way.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "drivers/usbhid/mapping/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mapping = walnut::mapping::load_mapping(text, "fuzz.yaml");
  if (!mapping.ok() && mapping.error().rfind("fuzz.yaml", 0) != 0) std::abort();
  if (mapping.ok()) {
    for (const auto& entry : mapping->entries) {
      if (entry.lookup >= static_cast<int>(mapping->lookups.size())) std::abort();
    }
  }
  const std::string claims = walnut::mapping::claim_side_text(text);
  const bool ends_open = !text.empty() && text.back() != '\n';
  if (std::count(claims.begin(), claims.end(), '\n') !=
      std::count(text.begin(), text.end(), '\n') + (ends_open ? 1 : 0)) {
    std::abort();
  }
  auto claim_side = walnut::mapping::load_mapping(claims, "fuzz.yaml");
  if (!claim_side.ok() && claim_side.error().rfind("fuzz.yaml", 0) != 0) std::abort();
  return 0;
}
