// The variable store: NUT's state tree semantics (common/state.c) on standard containers.
#include "common/ups_state.h"

#include <algorithm>

namespace walnut {
namespace {

unsigned char lower(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte >= 'A' && byte <= 'Z') ? static_cast<unsigned char>(byte + ('a' - 'A')) : byte;
}

std::string_view capped(std::string_view value) { return value.substr(0, kMaxValueLength); }

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char ca = lower(a[i]);
    const unsigned char cb = lower(b[i]);
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

std::string type_description(const Variable& variable) {
  std::string out;
  if (variable.is_rw()) out += "RW ";
  if (!variable.enums.empty()) out += "ENUM ";
  if (!variable.ranges.empty()) out += "RANGE ";
  if (variable.is_string()) {
    out += "STRING:" + std::to_string(variable.aux);
  } else {
    out += "NUMBER";
  }
  return out;
}

std::vector<std::string> flag_words(unsigned flags) {
  std::vector<std::string> words;
  if (flags & kFlagRw) words.emplace_back("RW");
  if (flags & kFlagString) words.emplace_back("STRING");
  if (flags & kFlagNumber) words.emplace_back("NUMBER");
  return words;
}

unsigned flags_from_words(const std::vector<std::string>& words) {
  unsigned flags = kFlagNone;
  for (const auto& word : words) {
    if (equals_ignoring_case(word, "RW")) flags |= kFlagRw;
    if (equals_ignoring_case(word, "STRING")) flags |= kFlagString;
    if (equals_ignoring_case(word, "NUMBER")) flags |= kFlagNumber;
  }
  return flags;
}

Variable* UpsState::find_mutable(std::string_view name) {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

const Variable* UpsState::find(std::string_view name) const {
  auto it = variables_.find(name);
  return it == variables_.end() ? nullptr : &it->second;
}

const std::string* UpsState::value(std::string_view name) const {
  const Variable* variable = find(name);
  return variable ? &variable->value : nullptr;
}

void UpsState::touch(Variable& variable) { variable.generation = ++generation_; }

bool UpsState::set_info(std::string_view name, std::string_view value) {
  value = capped(value);
  if (Variable* variable = find_mutable(name)) {
    if (equals_ignoring_case(variable->value, value)) return false;
    if (variable->is_immutable()) return false;
    variable->value = std::string(value);
    touch(*variable);
    return true;
  }
  Variable variable;
  variable.name = std::string(name);
  variable.value = std::string(value);
  auto [it, inserted] = variables_.emplace(variable.name, std::move(variable));
  touch(it->second);
  return inserted;
}

bool UpsState::del_info(std::string_view name) {
  auto it = variables_.find(name);
  if (it == variables_.end() || it->second.is_immutable()) return false;
  variables_.erase(it);
  ++generation_;
  return true;
}

bool UpsState::set_flags(std::string_view name, unsigned flags) {
  Variable* variable = find_mutable(name);
  if (!variable || variable->is_immutable() || variable->flags == flags) return false;
  variable->flags = flags;
  touch(*variable);
  return true;
}

bool UpsState::add_flags(std::string_view name, unsigned flags) {
  const Variable* variable = find(name);
  return variable && set_flags(name, variable->flags | flags);
}

bool UpsState::clear_flags(std::string_view name, unsigned flags) {
  const Variable* variable = find(name);
  return variable && set_flags(name, variable->flags & ~flags);
}

bool UpsState::set_aux(std::string_view name, long aux) {
  Variable* variable = find_mutable(name);
  if (!variable || variable->aux == aux) return false;
  variable->aux = aux;
  touch(*variable);
  return true;
}

bool UpsState::add_enum(std::string_view name, std::string_view value) {
  Variable* variable = find_mutable(name);
  if (!variable) return false;
  value = capped(value);
  auto& enums = variable->enums;
  if (std::find(enums.begin(), enums.end(), value) != enums.end()) return false;
  enums.emplace_back(value);
  touch(*variable);
  return true;
}

bool UpsState::del_enum(std::string_view name, std::string_view value) {
  Variable* variable = find_mutable(name);
  if (!variable) return false;
  auto& enums = variable->enums;
  auto it = std::find_if(enums.begin(), enums.end(),
                         [&](const std::string& e) { return equals_ignoring_case(e, value); });
  if (it == enums.end()) return false;
  enums.erase(it);
  touch(*variable);
  return true;
}

namespace {
// state.c treats two ranges as the same when either bound matches.
auto range_matcher(int min, int max) {
  return [=](const Range& r) { return r.min == min || r.max == max; };
}
}  // namespace

bool UpsState::add_range(std::string_view name, int min, int max) {
  if (min > max) return false;
  Variable* variable = find_mutable(name);
  if (!variable) return false;
  auto& ranges = variable->ranges;
  if (std::any_of(ranges.begin(), ranges.end(), range_matcher(min, max))) return false;
  ranges.push_back(Range{min, max});
  touch(*variable);
  return true;
}

bool UpsState::del_range(std::string_view name, int min, int max) {
  Variable* variable = find_mutable(name);
  if (!variable) return false;
  auto& ranges = variable->ranges;
  auto it = std::find_if(ranges.begin(), ranges.end(), range_matcher(min, max));
  if (it == ranges.end()) return false;
  ranges.erase(it);
  touch(*variable);
  return true;
}

bool UpsState::add_cmd(std::string_view name) {
  auto it = std::lower_bound(commands_.begin(), commands_.end(), name, CaseInsensitiveLess{});
  if (it != commands_.end() && equals_ignoring_case(*it, name)) return false;
  commands_.emplace(it, name);
  ++generation_;
  return true;
}

bool UpsState::del_cmd(std::string_view name) {
  auto it = std::lower_bound(commands_.begin(), commands_.end(), name, CaseInsensitiveLess{});
  if (it == commands_.end() || !equals_ignoring_case(*it, name)) return false;
  commands_.erase(it);
  ++generation_;
  return true;
}

bool UpsState::has_cmd(std::string_view name) const {
  return std::binary_search(commands_.begin(), commands_.end(), name, CaseInsensitiveLess{});
}

bool UpsState::set_data_ok(bool ok) {
  if (data_ok_ == ok) return false;
  data_ok_ = ok;
  ++generation_;
  return true;
}

void UpsState::clear() {
  variables_.clear();
  commands_.clear();
  data_ok_ = false;
  ++generation_;
}

}  // namespace walnut
