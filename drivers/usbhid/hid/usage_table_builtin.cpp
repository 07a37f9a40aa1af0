// The usage-name tables compiled into the program (usage_table.h): packed at build time by
// walnut-mapping, read without a YAML parser, each on first use and kept.
#include <map>
#include <memory>
#include <mutex>

#include "common/log.h"
#include "common/ups_state.h"
#include "drivers/usbhid/hid/usage_table.h"

namespace walnut::hid {

// Written by `walnut-mapping builtin-tables` into packed_tables.cpp (walnut_packed_tables).
extern const PackedFile kPackedUsageTables[];
extern const std::size_t kPackedUsageTableCount;

namespace {

const PackedFile* packed_table(std::string_view name) {
  for (const PackedFile& file : UsageTable::packed_tables()) {
    if (equals_ignoring_case(file.name, name)) return &file;
  }
  return nullptr;
}

// One table's names, viewed in the packed bytes compiled into the program, or nothing (logged:
// walnut-mapping checked every table when it packed them).
std::vector<UsageNameView> packed_names(std::string_view name) {
  const PackedFile* packed = packed_table(name);
  if (packed == nullptr) return {};
  auto names = UsageTable::unpack_name_views(packed->view(), name);
  if (!names.ok()) {
    log::error("{}", names.error());
    return {};
  }
  return std::move(names.value());
}

}  // namespace

std::span<const PackedFile> UsageTable::packed_tables() {
  return {kPackedUsageTables, kPackedUsageTableCount};
}

const UsageTable* UsageTable::find(std::string_view subdriver) {
  // NUT's explore subdriver reads paths with the generic table alone.
  if (equals_ignoring_case(subdriver, "generic")) subdriver = "explore";
  const PackedFile* packed = packed_table(subdriver);
  if (packed == nullptr) return nullptr;
  const std::string key = packed->name;
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<UsageTable>> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  auto found = loaded.find(key);
  if (found != loaded.end()) return found->second.get();
  // The vendor's names first, then the generic ones (libhid.c's lookup order).
  std::vector<UsageNameView> names = packed_names(key);
  std::vector<UsageNameView> generic = packed_names("generic");
  names.insert(names.end(), std::make_move_iterator(generic.begin()), std::make_move_iterator(generic.end()));
  auto table = std::make_unique<UsageTable>(key, std::move(names));
  return loaded.emplace(key, std::move(table)).first->second.get();
}

std::vector<std::string_view> UsageTable::subdrivers() {
  std::vector<std::string_view> names;
  for (const PackedFile& file : packed_tables()) {
    if (std::string_view(file.name) != "generic") names.emplace_back(file.name);
  }
  return names;
}

}  // namespace walnut::hid
