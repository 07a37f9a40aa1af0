// NUT's usage names: the per-subdriver lookup tables that turn usage paths into the strings
// NUT prints and accepts ("UPS.PowerSummary.PresentStatus.ACPresent"), in both directions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/hid/report_descriptor.h"

namespace walnut::hid {

struct UsageName {
  Usage usage;
  const char* name;
};

// The tables one NUT subdriver looks names up in, in NUT's order: its vendor table(s) first,
// then the generic Power Device / Battery System table (libhid.c hid_usage_lkp).
class UsageTable {
 public:
  UsageTable(std::string_view subdriver, std::vector<std::span<const UsageName>> tables);

  // The table of a NUT subdriver by its source name: "apc", "arduino", "belkin", "cps",
  // "delta_ups", "ever", "explore", "idowell", "legrand", "liebert", "mge", "openups",
  // "powercom", "powervar", "salicru", "tripplite" (case-insensitive; "generic" is explore's,
  // the generic table alone). nullptr if unknown.
  static const UsageTable* find(std::string_view subdriver);
  // The names find() accepts.
  static std::vector<std::string_view> subdrivers();

  std::string_view subdriver() const { return subdriver_; }

  // The first name for `usage` in table order, or nullopt.
  std::optional<std::string_view> name_of(Usage usage) const;
  // The first usage named `name` (case-insensitive, as NUT's strcasecmp), or nullopt.
  std::optional<Usage> usage_of(std::string_view name) const;

  // NUT's path_to_string: names joined by '.', index nodes as "[n]", others as 8 lowercase
  // hex digits ("ff860024"). Not truncated (NUT cuts its dump at 127 chars; see explore.h).
  std::string path_to_string(const UsagePath& path) const;
  // NUT's string_to_path: each '.'-separated token is a name, else bare hex, else "[n]".
  // Unlike NUT (which skips a token it cannot read), an unreadable token is an error.
  Result<UsagePath> string_to_path(std::string_view text) const;

 private:
  std::string subdriver_;
  std::vector<std::span<const UsageName>> tables_;
  // First name per usage and first usage per lowercased name, in lookup order.
  std::unordered_map<Usage, std::string_view> names_;
  std::unordered_map<std::string, Usage> usages_;
};

}  // namespace walnut::hid
