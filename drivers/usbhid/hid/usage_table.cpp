// NUT's usage names both ways (see usage_table.h); the tables themselves are data in
// drivers/usbhid/usage_tables/*.yaml, compiled in (embedded_usage_tables.h).
#include "drivers/usbhid/hid/usage_table.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "common/log.h"
#include "drivers/usbhid/hid/embedded_usage_tables.h"

namespace walnut::hid {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const char* embedded_text(std::string_view name) {
  for (std::size_t i = 0; i < embedded::kFileCount; ++i) {
    if (equals_ignoring_case(embedded::kFiles[i].name, name)) return embedded::kFiles[i].text;
  }
  return nullptr;
}

// One file's names, or nothing (logged: the compiled-in files are checked by the unit tests).
std::vector<UsageName> embedded_names(std::string_view name) {
  const char* text = embedded_text(name);
  if (text == nullptr) return {};
  auto names = UsageTable::read_names(text, fmt::format("{}.yaml", name));
  if (!names.ok()) {
    log::error("{}", names.error());
    return {};
  }
  return std::move(names.value());
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

UsageTable::UsageTable(std::string_view subdriver, std::vector<UsageName> names)
    : subdriver_(subdriver), entries_(std::move(names)) {
  names_.reserve(entries_.size());
  usages_.reserve(entries_.size());
  for (const UsageName& entry : entries_) {
    names_.emplace(entry.usage, entry.name);  // emplace keeps the first
    usages_.emplace(lowercase(entry.name), entry.usage);
  }
}

Result<std::vector<UsageName>> UsageTable::read_names(std::string_view yaml, std::string_view file_name) {
  std::vector<UsageName> names;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    const YAML::Node usages = root["usages"];
    if (!usages || !usages.IsSequence()) return Error{fmt::format("{}: needs a usages: list", file_name)};
    names.reserve(usages.size());
    for (const YAML::Node& pair : usages) {
      if (!pair.IsSequence() || pair.size() != 2) {
        return Error{fmt::format("{}:{}: expected [code, \"Name\"]", file_name, pair.Mark().line + 1)};
      }
      const std::string code = pair[0].as<std::string>();
      std::size_t used = 0;
      const unsigned long value = std::stoul(code, &used, 0);
      if (used != code.size() || value > 0xFFFFFFFFul) {
        return Error{fmt::format("{}:{}: bad usage code \"{}\"", file_name, pair.Mark().line + 1, code)};
      }
      names.push_back({static_cast<Usage>(value), pair[1].as<std::string>()});
    }
  } catch (const std::exception& error) {
    return Error{fmt::format("{}: {}", file_name, error.what())};
  }
  return names;
}

const UsageTable* UsageTable::find(std::string_view subdriver) {
  // NUT's explore subdriver reads paths with the generic table alone.
  if (equals_ignoring_case(subdriver, "generic")) subdriver = "explore";
  if (embedded_text(subdriver) == nullptr) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<UsageTable>> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  const std::string key = lowercase(subdriver);
  auto found = loaded.find(key);
  if (found != loaded.end()) return found->second.get();
  // The vendor's names first, then the generic ones (libhid.c's lookup order).
  std::vector<UsageName> names = embedded_names(key);
  std::vector<UsageName> generic = embedded_names("generic");
  names.insert(names.end(), std::make_move_iterator(generic.begin()), std::make_move_iterator(generic.end()));
  auto table = std::make_unique<UsageTable>(key, std::move(names));
  return loaded.emplace(key, std::move(table)).first->second.get();
}

std::vector<std::string_view> UsageTable::subdrivers() {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < embedded::kFileCount; ++i) {
    if (std::string_view(embedded::kFiles[i].name) != "generic") names.emplace_back(embedded::kFiles[i].name);
  }
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
