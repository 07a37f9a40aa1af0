// Fuzzes the vendor-mapping loader: any text gives a mapping or an error that names the file;
// no exception escapes and no crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
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
  return 0;
}
