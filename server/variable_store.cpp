// The per-UPS variable store, with NUT's state.c semantics.
#include "server/variable_store.h"

#include <algorithm>
#include <cstdlib>

namespace walnut::server {
namespace {

// NUT's ST_MAX_VALUE_LEN: values and enums are escaped into buffers of this size.
constexpr std::size_t kMaxValueBuffer = 256;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto ca = static_cast<unsigned char>(lower(a[i]));
    const auto cb = static_cast<unsigned char>(lower(b[i]));
    if (ca != cb) return ca < cb;
  }
  return a.size() < b.size();
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string encode_truncated(std::string_view raw, std::size_t buffer_size) {
  std::string out;
  if (buffer_size < 1) return out;
  const std::size_t max_length = buffer_size - 1;
  for (char c : raw) {
    if (c == '#' || c == '\\' || c == '"') {
      if (out.size() + 1 >= max_length) return out;
      out.push_back('\\');
    }
    if (out.size() >= max_length) return out;
    out.push_back(c);
  }
  return out;
}

Variable* VariableStore::find_mutable(std::string_view name) {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

const Variable* VariableStore::find(std::string_view name) const {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

bool VariableStore::set_info(std::string_view name, std::string_view raw) {
  if (Variable* existing = find_mutable(name)) {
    if (equals_ignoring_case(existing->raw, raw)) return false;
    existing->raw = std::string(raw);
    existing->value = encode_truncated(raw, kMaxValueBuffer);
    return true;
  }
  Variable variable;
  variable.name = std::string(name);
  variable.raw = std::string(raw);
  variable.value = encode_truncated(raw, kMaxValueBuffer);
  variables_.emplace(variable.name, std::move(variable));
  return true;
}

bool VariableStore::delete_info(std::string_view name) {
  auto it = variables_.find(name);
  if (it == variables_.end()) return false;
  variables_.erase(it);
  return true;
}

bool VariableStore::add_enum(std::string_view name, std::string_view raw) {
  Variable* variable = find_mutable(name);
  if (variable == nullptr) return false;
  std::string encoded = encode_truncated(raw, kMaxValueBuffer);
  if (std::find(variable->enums.begin(), variable->enums.end(), encoded) !=
      variable->enums.end()) {
    return false;
  }
  variable->enums.push_back(std::move(encoded));
  return true;
}

bool VariableStore::delete_enum(std::string_view name, std::string_view raw) {
  Variable* variable = find_mutable(name);
  if (variable == nullptr) return false;
  auto it = std::find_if(variable->enums.begin(), variable->enums.end(),
                         [&](const std::string& e) { return equals_ignoring_case(e, raw); });
  if (it == variable->enums.end()) return false;
  variable->enums.erase(it);
  return true;
}

// NUT treats two ranges as the same when either bound matches, both for adding and deleting.
bool VariableStore::add_range(std::string_view name, int min, int max) {
  if (min > max) return false;
  Variable* variable = find_mutable(name);
  if (variable == nullptr) return false;
  for (const auto& range : variable->ranges) {
    if (range.min == min || range.max == max) return false;
  }
  variable->ranges.push_back({min, max});
  return true;
}

bool VariableStore::delete_range(std::string_view name, int min, int max) {
  Variable* variable = find_mutable(name);
  if (variable == nullptr) return false;
  auto it = std::find_if(variable->ranges.begin(), variable->ranges.end(),
                         [&](const VariableRange& r) { return r.min == min || r.max == max; });
  if (it == variable->ranges.end()) return false;
  variable->ranges.erase(it);
  return true;
}

bool VariableStore::set_aux(std::string_view name, std::string_view aux) {
  Variable* variable = find_mutable(name);
  if (variable == nullptr) return false;
  const long value = std::strtol(std::string(aux).c_str(), nullptr, 10);
  if (variable->aux == value) return false;
  variable->aux = value;
  return true;
}

bool VariableStore::set_flags(std::string_view name, const std::vector<std::string>& flags) {
  Variable* variable = find_mutable(name);
  if (variable == nullptr) return false;
  int value = 0;
  for (const auto& flag : flags) {
    if (equals_ignoring_case(flag, "RW")) value |= kFlagRw;
    if (equals_ignoring_case(flag, "STRING")) value |= kFlagString;
    if (equals_ignoring_case(flag, "NUMBER")) value |= kFlagNumber;
  }
  variable->flags = value;
  return true;
}

bool VariableStore::add_command(std::string_view name) {
  return commands_.emplace(name).second;
}

bool VariableStore::delete_command(std::string_view name) {
  auto it = commands_.find(name);
  if (it == commands_.end()) return false;
  commands_.erase(it);
  return true;
}

void VariableStore::clear() {
  variables_.clear();
  commands_.clear();
}

}  // namespace walnut::server
