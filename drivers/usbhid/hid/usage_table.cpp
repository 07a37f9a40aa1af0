// NUT's usage names both ways (see usage_table.h); the tables themselves are data in
// usage_tables_data.cpp.
#include "drivers/usbhid/hid/usage_table.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "drivers/usbhid/hid/usage_tables_data.h"

namespace walnut::hid {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct Subdriver {
  const char* name;
  const UsageName* names;
  const std::size_t* count;
};

// NUT's subdriver order (usbhid-ups.c subdriver_list): explore first, then mge, then the rest
// alphabetically. Every subdriver looks in its vendor table, then in the generic one.
const std::array<Subdriver, 16> kSubdrivers = {{
    {"explore", nullptr, nullptr},
    {"mge", k_mge_usage_names, &k_mge_usage_names_count},
    {"apc", k_apc_usage_names, &k_apc_usage_names_count},
    {"arduino", k_arduino_usage_names, &k_arduino_usage_names_count},
    {"belkin", k_belkin_usage_names, &k_belkin_usage_names_count},
    {"cps", k_cps_usage_names, &k_cps_usage_names_count},
    {"delta_ups", k_delta_ups_usage_names, &k_delta_ups_usage_names_count},
    {"ever", k_ever_usage_names, &k_ever_usage_names_count},
    {"idowell", k_idowell_usage_names, &k_idowell_usage_names_count},
    {"legrand", k_legrand_usage_names, &k_legrand_usage_names_count},
    {"liebert", k_liebert_usage_names, &k_liebert_usage_names_count},
    {"openups", k_openups_usage_names, &k_openups_usage_names_count},
    {"powercom", k_powercom_usage_names, &k_powercom_usage_names_count},
    {"powervar", k_powervar_usage_names, &k_powervar_usage_names_count},
    {"salicru", k_salicru_usage_names, &k_salicru_usage_names_count},
    {"tripplite", k_tripplite_usage_names, &k_tripplite_usage_names_count},
}};

// Each subdriver's table is built on first use: a driver looks names up in one subdriver's
// table, and building all 16 (each with two hash maps over the generic table) kept ~200 kB of
// heap in every driver (docs/benchmarks, "Memory").
const UsageTable& table_of(std::size_t index) {
  static std::array<std::once_flag, kSubdrivers.size()> built;
  static std::array<std::unique_ptr<UsageTable>, kSubdrivers.size()> tables;
  std::call_once(built[index], [index] {
    const Subdriver& subdriver = kSubdrivers[index];
    std::vector<std::span<const UsageName>> parts;
    if (subdriver.names != nullptr) parts.emplace_back(subdriver.names, *subdriver.count);
    parts.emplace_back(kGenericUsageNames, kGenericUsageNames_count);
    tables[index] = std::make_unique<UsageTable>(subdriver.name, std::move(parts));
  });
  return *tables[index];
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

bool all_of_chars(std::string_view text, std::string_view allowed) {
  return text.find_first_not_of(allowed) == std::string_view::npos;
}

}  // namespace

UsageTable::UsageTable(std::string_view subdriver, std::vector<std::span<const UsageName>> tables)
    : subdriver_(subdriver), tables_(std::move(tables)) {
  for (const auto& table : tables_) {
    for (const UsageName& entry : table) {
      names_.emplace(entry.usage, entry.name);      // emplace keeps the first
      usages_.emplace(lowercase(entry.name), entry.usage);
    }
  }
}

const UsageTable* UsageTable::find(std::string_view subdriver) {
  if (equals_ignoring_case(subdriver, "generic")) subdriver = "explore";
  for (std::size_t index = 0; index < kSubdrivers.size(); ++index) {
    if (equals_ignoring_case(kSubdrivers[index].name, subdriver)) return &table_of(index);
  }
  return nullptr;
}

std::vector<std::string_view> UsageTable::subdrivers() {
  std::vector<std::string_view> names;
  for (const Subdriver& subdriver : kSubdrivers) names.emplace_back(subdriver.name);
  return names;
}

std::optional<std::string_view> UsageTable::name_of(Usage usage) const {
  if (auto it = names_.find(usage); it != names_.end()) return it->second;
  return std::nullopt;
}

std::optional<Usage> UsageTable::usage_of(std::string_view name) const {
  if (auto it = usages_.find(lowercase(name)); it != usages_.end()) return it->second;
  return std::nullopt;
}

std::string UsageTable::path_to_string(const UsagePath& path) const {
  std::string text;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) text += '.';
    if (auto name = name_of(path[i])) {
      text += *name;
    } else if ((path[i] & 0xFFFF0000u) == 0x00FF0000u) {
      fmt::format_to(std::back_inserter(text), "[{}]", path[i] & 0xFFFF);
    } else {
      fmt::format_to(std::back_inserter(text), "{:08x}", path[i]);
    }
  }
  return text;
}

Result<UsagePath> UsageTable::string_to_path(std::string_view text) const {
  UsagePath path;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view token = text.substr(start, end - start);
    start = end + 1;
    if (token.empty()) continue;  // NUT's strtok skips empty tokens
    if (auto usage = usage_of(token)) {
      path.push_back(*usage);
      continue;
    }
    if (all_of_chars(token, "0123456789abcdefABCDEF")) {
      std::uint64_t value = 0;
      auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value, 16);
      if (ec == std::errc() && ptr == token.data() + token.size() && value <= 0xFFFFFFFFu) {
        path.push_back(static_cast<Usage>(value));
        continue;
      }
    } else if (token.size() >= 3 && token.front() == '[' && token.back() == ']' &&
               all_of_chars(token.substr(1, token.size() - 2), "0123456789")) {
      std::uint32_t index = 0;
      auto digits = token.substr(1, token.size() - 2);
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (ec == std::errc() && index <= 0xFFFF) {
        path.push_back(0x00FF0000u + index);
        continue;
      }
    }
    return Error{fmt::format("HID path \"{}\": cannot read \"{}\"", text, token)};
  }
  if (path.empty()) return Error{fmt::format("HID path \"{}\" is empty", text)};
  return path;
}

}  // namespace walnut::hid
