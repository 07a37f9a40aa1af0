// The mappings compiled into the program (mapping.h): packed at build time by walnut-mapping
// (mapping_pack.h), so reading them needs no YAML parser. Programs that use these link the
// packed tables (walnut_packed_tables); walnut-mapping itself, which writes them, reads YAML.
#include <algorithm>

#include <fmt/format.h>

#include "common/log.h"
#include "drivers/usbhid/mapping/mapping.h"
#include "drivers/usbhid/mapping/mapping_pack.h"

namespace walnut::mapping {

// Written by `walnut-mapping builtin-tables` into packed_tables.cpp (walnut_packed_tables).
extern const PackedFile kPackedMappings[];
extern const std::size_t kPackedMappingCount;
extern const PackedFile kPackedClaims[];
extern const std::size_t kPackedClaimCount;

std::span<const PackedFile> packed_mappings() { return {kPackedMappings, kPackedMappingCount}; }
std::span<const PackedFile> packed_claims() { return {kPackedClaims, kPackedClaimCount}; }

namespace {

// The build's packed form of a compiled-in mapping, or nullptr (no packed tables linked).
const PackedFile* packed_mapping(std::string_view name) {
  for (const PackedFile& file : packed_mappings()) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

}  // namespace

Result<Mapping> builtin_mapping(std::string_view name) {
  const PackedFile* packed = packed_mapping(name);
  if (packed == nullptr) return Error{fmt::format("no compiled-in mapping \"{}\"", name)};
  return unpack_mapping(packed->view());
}

void sort_in_claim_order(std::vector<Mapping>& mappings) {
  std::stable_sort(mappings.begin(), mappings.end(), [](const Mapping& a, const Mapping& b) {
    return a.claim_order != b.claim_order ? a.claim_order < b.claim_order : a.name < b.name;
  });
}

std::vector<Mapping> builtin_claims() {
  // Unpacked afresh on each call (the driver asks when it opens a device) and not kept: the
  // claim sides of every subdriver are ~25 kB of heap that the driver needs for a moment.
  std::vector<Mapping> loaded;
  for (const PackedFile& file : packed_claims()) {
    // Only the claim sides, packed apart and together, are read: building (or even paging
    // in) every subdriver's table would cost the driver memory for tables it never uses
    // (issue 19); the claiming one is read whole later.
    Result<Mapping> mapping = unpack_mapping(file.view(), PackedPart::kClaimSide);
    if (!mapping.ok()) {
      log::error("{}", mapping.error());
      continue;
    }
    loaded.push_back(std::move(mapping.value()));
  }
  sort_in_claim_order(loaded);
  return loaded;
}

const std::vector<std::string>& builtin_mapping_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> keys;
    for (const Mapping& mapping : builtin_claims()) keys.push_back(mapping.name);
    return keys;
  }();
  return names;
}

}  // namespace walnut::mapping
