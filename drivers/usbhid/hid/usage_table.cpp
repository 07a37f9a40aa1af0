// NUT's usage names both ways (see usage_table.h); the tables themselves are data in
// drivers/usbhid/usage_tables/*.yaml, compiled in packed (walnut-mapping builtin-tables).
#include "drivers/usbhid/hid/usage_table.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "common/log.h"
#include "common/ups_state.h"

namespace walnut::hid {

namespace {

bool all_of_chars(std::string_view text, std::string_view allowed) {
  return text.find_first_not_of(allowed) == std::string_view::npos;
}

}  // namespace

UsageTable::UsageTable(std::string_view subdriver, std::vector<UsageName> names)
    : subdriver_(subdriver), owned_(std::move(names)) {
  entries_.reserve(owned_.size());
  for (const UsageName& entry : owned_) entries_.push_back({entry.usage, entry.name});
  build_indexes();
}

UsageTable::UsageTable(std::string_view subdriver, std::vector<UsageNameView> names)
    : subdriver_(subdriver), entries_(std::move(names)) {
  build_indexes();
}

void UsageTable::build_indexes() {
  by_usage_.resize(entries_.size());
  for (std::uint32_t i = 0; i < by_usage_.size(); ++i) by_usage_[i] = i;
  by_name_ = by_usage_;
  std::stable_sort(by_usage_.begin(), by_usage_.end(),
                   [this](std::uint32_t a, std::uint32_t b) { return entries_[a].usage < entries_[b].usage; });
  std::stable_sort(by_name_.begin(), by_name_.end(), [this](std::uint32_t a, std::uint32_t b) {
    return CaseInsensitiveLess{}(entries_[a].name, entries_[b].name);
  });
}

std::string UsageTable::pack_names(const std::vector<UsageName>& names) {
  PackWriter out;
  out.unsigned_number(names.size());
  for (const UsageName& name : names) {
    out.unsigned_number(name.usage);
    out.text(name.name);
  }
  return out.bytes();
}

Result<std::vector<UsageNameView>> UsageTable::unpack_name_views(std::string_view bytes,
                                                                 std::string_view file_name) {
  PackReader in(bytes);
  std::vector<UsageNameView> names(in.count());
  for (UsageNameView& name : names) {
    const std::uint64_t usage = in.unsigned_number();
    if (usage > 0xFFFFFFFFu) return Error{fmt::format("packed usage table \"{}\": bad usage code", file_name)};
    name.usage = static_cast<Usage>(usage);
    name.name = in.text();
  }
  if (!in.ok() || !in.at_end()) return Error{fmt::format("packed usage table \"{}\": truncated or corrupt", file_name)};
  return names;
}

Result<std::vector<UsageName>> UsageTable::unpack_names(std::string_view bytes, std::string_view file_name) {
  auto views = unpack_name_views(bytes, file_name);
  if (!views) return Error{views.error()};
  std::vector<UsageName> names;
  names.reserve(views->size());
  for (const UsageNameView& view : *views) names.push_back({view.usage, std::string(view.name)});
  return names;
}

std::optional<std::string_view> UsageTable::name_of(Usage usage) const {
  const auto it = std::lower_bound(by_usage_.begin(), by_usage_.end(), usage,
                                   [this](std::uint32_t i, Usage wanted) { return entries_[i].usage < wanted; });
  if (it != by_usage_.end() && entries_[*it].usage == usage) return entries_[*it].name;
  return std::nullopt;
}

std::optional<Usage> UsageTable::usage_of(std::string_view name) const {
  const auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name, [this](std::uint32_t i, std::string_view wanted) {
    return CaseInsensitiveLess{}(entries_[i].name, wanted);
  });
  if (it != by_name_.end() && equals_ignoring_case(entries_[*it].name, name)) return entries_[*it].usage;
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
