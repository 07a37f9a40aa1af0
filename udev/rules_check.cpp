// udev rules syntax check (udev(7): KEY[{attr}] OP "value", comma separated, one rule a line).
#include "udev/rules_check.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>

#include <fmt/format.h>

namespace walnut::udev {
namespace {

struct Field {
  std::string key;   // without the {attribute}
  std::string attr;  // inside the braces, empty without
  std::string op;
  std::string value;
};

enum class KeyKind { kMatch, kAssign, kBoth };

// Keys of udev(7) and whether they match, assign or do both.
const std::map<std::string, KeyKind, std::less<>>& known_keys() {
  static const std::map<std::string, KeyKind, std::less<>> keys = {
      {"ACTION", KeyKind::kMatch},      {"DEVPATH", KeyKind::kMatch},
      {"KERNEL", KeyKind::kMatch},      {"KERNELS", KeyKind::kMatch},
      {"SUBSYSTEM", KeyKind::kMatch},   {"SUBSYSTEMS", KeyKind::kMatch},
      {"DRIVER", KeyKind::kMatch},      {"DRIVERS", KeyKind::kMatch},
      {"ATTR", KeyKind::kBoth},         {"ATTRS", KeyKind::kMatch},
      {"SYSCTL", KeyKind::kBoth},       {"ENV", KeyKind::kBoth},
      {"TAG", KeyKind::kBoth},          {"TAGS", KeyKind::kMatch},
      {"TEST", KeyKind::kMatch},        {"PROGRAM", KeyKind::kMatch},
      {"RESULT", KeyKind::kMatch},      {"NAME", KeyKind::kBoth},
      {"SYMLINK", KeyKind::kBoth},      {"OWNER", KeyKind::kAssign},
      {"GROUP", KeyKind::kAssign},      {"MODE", KeyKind::kAssign},
      {"SECLABEL", KeyKind::kAssign},   {"RUN", KeyKind::kAssign},
      {"LABEL", KeyKind::kAssign},      {"GOTO", KeyKind::kAssign},
      {"IMPORT", KeyKind::kAssign},     {"OPTIONS", KeyKind::kAssign},
      {"CONST", KeyKind::kMatch},
  };
  return keys;
}

bool is_match_op(std::string_view op) { return op == "==" || op == "!="; }

// Parses one field at `pos`; advances past it. Error text on failure.
std::optional<std::string> parse_field(std::string_view line, std::size_t& pos, Field& field) {
  const auto is_key_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  const std::size_t key_start = pos;
  while (pos < line.size() && is_key_char(line[pos])) ++pos;
  field.key = std::string(line.substr(key_start, pos - key_start));
  if (field.key.empty()) return "expected a key";
  if (pos < line.size() && line[pos] == '{') {
    const std::size_t close = line.find('}', pos);
    if (close == std::string_view::npos) return "unterminated {attribute}";
    field.attr = std::string(line.substr(pos + 1, close - pos - 1));
    if (field.attr.empty()) return "empty {attribute}";
    pos = close + 1;
  }
  static constexpr std::array<std::string_view, 6> kOps = {"==", "!=", "+=", "-=", ":=", "="};
  for (std::string_view op : kOps) {
    if (line.substr(pos, op.size()) == op) {
      field.op = std::string(op);
      pos += op.size();
      break;
    }
  }
  if (field.op.empty()) return fmt::format("{}: expected an operator", field.key);
  if (pos >= line.size() || line[pos] != '"') return fmt::format("{}: value must be quoted", field.key);
  const std::size_t close = line.find('"', pos + 1);
  if (close == std::string_view::npos) return fmt::format("{}: unterminated value", field.key);
  field.value = std::string(line.substr(pos + 1, close - pos - 1));
  pos = close + 1;
  return std::nullopt;
}

std::optional<std::string> check_field(const Field& field) {
  const auto& keys = known_keys();
  const auto known = keys.find(field.key);
  if (known == keys.end()) return fmt::format("unknown key {}", field.key);
  const bool needs_attr = field.key == "ATTR" || field.key == "ATTRS" || field.key == "ENV" ||
                          field.key == "SYSCTL";
  if (needs_attr && field.attr.empty()) return fmt::format("{} needs {{attribute}}", field.key);
  if (known->second == KeyKind::kMatch && !is_match_op(field.op)) {
    return fmt::format("{} only matches (== or !=), not {}", field.key, field.op);
  }
  if (known->second == KeyKind::kAssign && is_match_op(field.op)) {
    return fmt::format("{} only assigns, not {}", field.key, field.op);
  }
  if (field.key == "MODE") {
    unsigned mode = 0;
    const auto* end = field.value.data() + field.value.size();
    const auto [ptr, error] = std::from_chars(field.value.data(), end, mode, 8);
    if (error != std::errc() || ptr != end || mode > 07777) {
      return fmt::format("MODE {} is not an octal mode", field.value);
    }
  }
  return std::nullopt;
}

// Splits a rule line into fields; empty optional and a message on a syntax error.
std::optional<std::vector<Field>> parse_rule(std::string_view line, std::string& problem) {
  std::vector<Field> fields;
  std::size_t pos = 0;
  const auto skip_space = [&] {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  };
  skip_space();
  while (pos < line.size()) {
    Field field;
    if (auto error = parse_field(line, pos, field)) {
      problem = *error;
      return std::nullopt;
    }
    if (auto error = check_field(field)) {
      problem = *error;
      return std::nullopt;
    }
    fields.push_back(std::move(field));
    skip_space();
    if (pos >= line.size()) break;
    if (line[pos] != ',') {
      problem = "expected ',' between fields";
      return std::nullopt;
    }
    ++pos;
    skip_space();
    if (pos >= line.size()) {
      problem = "trailing ','";
      return std::nullopt;
    }
  }
  return fields;
}

template <typename Visit>
void for_each_rule(std::string_view text, Visit&& visit) {
  int number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    ++number;
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') visit(number, line);
    if (end == text.size()) break;
    start = end + 1;
  }
}

std::optional<std::uint16_t> hex_id(const std::string& text) {
  std::uint16_t id = 0;
  const auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), id, 16);
  if (text.size() != 4 || error != std::errc() || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

std::vector<std::string> check_rules(std::string_view text) {
  std::vector<std::string> problems;
  std::map<std::string, int> labels;
  std::vector<std::pair<int, std::string>> gotos;
  for_each_rule(text, [&](int number, std::string_view line) {
    if (line.back() == '\\') {
      problems.push_back(fmt::format("line {}: line continuations are not used here", number));
      return;
    }
    std::string problem;
    const auto fields = parse_rule(line, problem);
    if (!fields) return problems.push_back(fmt::format("line {}: {}", number, problem));
    for (const Field& field : *fields) {
      if (field.key == "LABEL" && !labels.emplace(field.value, number).second) {
        problems.push_back(fmt::format("line {}: LABEL {} defined twice", number, field.value));
      }
      if (field.key == "GOTO") gotos.emplace_back(number, field.value);
    }
  });
  for (const auto& [number, label] : gotos) {
    const auto found = labels.find(label);
    if (found == labels.end() || found->second < number) {
      problems.push_back(fmt::format("line {}: GOTO {} has no LABEL after it", number, label));
    }
  }
  return problems;
}

std::set<std::pair<std::uint16_t, std::uint16_t>> nut_group_ids(std::string_view text) {
  std::set<std::pair<std::uint16_t, std::uint16_t>> ids;
  for_each_rule(text, [&](int, std::string_view line) {
    std::string problem;
    const auto fields = parse_rule(line, problem);
    if (!fields) return;
    std::optional<std::uint16_t> vendor, product;
    bool nut_group = false, group_rw = false;
    for (const Field& field : *fields) {
      if (field.key == "ATTR" && field.op == "==" && field.attr == "idVendor") vendor = hex_id(field.value);
      if (field.key == "ATTR" && field.op == "==" && field.attr == "idProduct") product = hex_id(field.value);
      if (field.key == "GROUP" && field.value == "nut") nut_group = true;
      if (field.key == "MODE") {
        unsigned mode = 0;
        std::from_chars(field.value.data(), field.value.data() + field.value.size(), mode, 8);
        group_rw = (mode & 060) == 060;
      }
    }
    if (vendor && product && nut_group && group_rw) ids.emplace(*vendor, *product);
  });
  return ids;
}

}  // namespace walnut::udev
