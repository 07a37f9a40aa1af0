// NUT's usage names: the per-subdriver lookup tables that turn usage paths into the strings
// NUT prints and accepts ("UPS.PowerSummary.PresentStatus.ACPresent"), in both directions.
// The names are data (drivers/usbhid/usage_tables/*.yaml, compiled in); a table is read the
// first time a subdriver asks for it, so a driver holds only its own and the generic one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/hid/report_descriptor.h"

namespace walnut::hid {

struct UsageName {
  Usage usage;
  std::string name;
};

// The tables one NUT subdriver looks names up in, in NUT's order: its vendor table first, then
// the generic Power Device / Battery System table (libhid.c hid_usage_lkp).
class UsageTable {
 public:
  // `names` in lookup order (the first name of a usage, and the first usage of a name, win).
  UsageTable(std::string_view subdriver, std::vector<UsageName> names);

  // The table of a subdriver by its file name in drivers/usbhid/usage_tables/ ("apc", "mge",
  // "explore", ... case-insensitive; "generic" is explore's: the generic names alone), read on
  // first use and kept. nullptr if there is no such file.
  static const UsageTable* find(std::string_view subdriver);
  // The names find() accepts, from the compiled-in files ("generic" aside).
  static std::vector<std::string_view> subdrivers();
  // Reads a usage-table file's `usages:` list ([code, "Name"] pairs); an error names the file.
  static Result<std::vector<UsageName>> read_names(std::string_view yaml, std::string_view file_name);

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
  std::vector<UsageName> entries_;  // owns the names the maps below view
  // First name per usage and first usage per lowercased name, in lookup order.
  std::unordered_map<Usage, std::string_view> names_;
  std::unordered_map<std::string, Usage> usages_;
};

}  // namespace walnut::hid
