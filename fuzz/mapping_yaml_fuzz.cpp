// Fuzzes the vendor-mapping loader: any text gives a mapping or an error that names the file;
// no exception escapes and no crash. A mapping that loads packs and unpacks to itself
// (mapping_pack.h), and the same bytes read as a packed mapping (what the driver reads from
// walnut-yaml), or as packed usage names, give a result or an error, never a crash or a read
// past their end.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "drivers/usbhid/hid/usage_table.h"
#include "drivers/usbhid/mapping/mapping.h"
#include "drivers/usbhid/mapping/mapping_pack.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mapping = walnut::mapping::load_mapping(text, "fuzz.yaml");
  if (!mapping.ok() && mapping.error().rfind("fuzz.yaml", 0) != 0) std::abort();
  if (mapping.ok()) {
    for (const auto& entry : mapping->entries) {
      if (entry.lookup >= static_cast<int>(mapping->lookups.size())) std::abort();
    }
    auto back = walnut::mapping::unpack_mapping(walnut::mapping::pack_mapping(*mapping));
    if (!back.ok() || !(*back == *mapping)) std::abort();
  }
  auto packed = walnut::mapping::unpack_mapping(text);
  if (packed.ok()) {
    for (const auto& entry : packed->entries) {
      if (entry.lookup >= static_cast<int>(packed->lookups.size())) std::abort();
    }
  }
  (void)walnut::mapping::unpack_mapping(text, walnut::mapping::PackedPart::kClaimSide);
  (void)walnut::hid::UsageTable::unpack_names(text, "fuzz");
  return 0;
}
