// NUT-style device matching: regular-expression criteria against a DeviceInfo (see usb_match.h).

#include "drivers/usbhid/transport/usb_match.h"

#include <regex.h>

#include <fmt/format.h>

namespace walnut::usbhid {

namespace {

using FieldOf = std::string (*)(const DeviceInfo&);

struct Field {
  const char* option;  // the ups.conf option
  const char* label;   // how NUT's debug log names the field
  std::optional<std::string> MatchCriteria::*criterion;
  FieldOf value;
};

const Field kFields[] = {
    {"vendorid", "VendorID", &MatchCriteria::vendor_id,
     [](const DeviceInfo& d) { return format_usb_id(d.vendor_id); }},
    {"productid", "ProductID", &MatchCriteria::product_id,
     [](const DeviceInfo& d) { return format_usb_id(d.product_id); }},
    {"vendor", "Vendor", &MatchCriteria::vendor, [](const DeviceInfo& d) { return d.vendor; }},
    {"product", "Product", &MatchCriteria::product, [](const DeviceInfo& d) { return d.product; }},
    {"serial", "Serial", &MatchCriteria::serial, [](const DeviceInfo& d) { return d.serial; }},
    {"bus", "Bus", &MatchCriteria::bus, [](const DeviceInfo& d) { return d.bus; }},
    {"device", "Device", &MatchCriteria::device, [](const DeviceInfo& d) { return d.device; }},
    {"busport", "BusPort", &MatchCriteria::bus_port,
     [](const DeviceInfo& d) { return d.bus_port; }},
};

// NUT trims " \t\n" (not every isspace character) before matching.
std::string_view trim_blanks(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\n";
  const auto first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kBlanks);
  return text.substr(first, last - first + 1);
}

}  // namespace

struct DeviceMatcher::Criterion {
  const Field* field = nullptr;
  std::string pattern;
  regex_t compiled{};
  bool is_compiled = false;  // regfree only what regcomp accepted

  Criterion() = default;
  Criterion(const Criterion&) = delete;
  Criterion& operator=(const Criterion&) = delete;
  ~Criterion() {
    if (is_compiled) regfree(&compiled);
  }

  bool matches(std::string_view value) const {
    const std::string subject(trim_blanks(value));
    regmatch_t match{};
    if (regexec(&compiled, subject.c_str(), 1, &match, 0) != 0) return false;
    return match.rm_so == 0 && static_cast<std::size_t>(match.rm_eo) == subject.size();
  }
};

Result<DeviceMatcher> DeviceMatcher::compile(const MatchCriteria& criteria) {
  DeviceMatcher matcher;
  for (const Field& field : kFields) {
    const std::optional<std::string>& pattern = criteria.*(field.criterion);
    if (!pattern) continue;
    auto criterion = std::make_unique<Criterion>();
    const int rc = regcomp(&criterion->compiled, pattern->c_str(), REG_EXTENDED | REG_ICASE);
    if (rc != 0) {
      char message[256];
      regerror(rc, &criterion->compiled, message, sizeof message);
      return Error{fmt::format("{}: invalid regular expression \"{}\": {}", field.option,
                               *pattern, message)};
    }
    criterion->is_compiled = true;
    criterion->field = &field;
    criterion->pattern = *pattern;
    matcher.criteria_.push_back(std::move(criterion));
  }
  return matcher;
}

std::optional<std::string> DeviceMatcher::mismatch(const DeviceInfo& device) const {
  for (const auto& criterion : criteria_) {
    const std::string value = criterion->field->value(device);
    if (!criterion->matches(value)) {
      return fmt::format("{}: \"{}\" !~ \"{}\"", criterion->field->label, value,
                         criterion->pattern);
    }
  }
  return std::nullopt;
}

MatchCriteria exact_criteria(const DeviceInfo& device) {
  MatchCriteria criteria;
  criteria.vendor_id = format_usb_id(device.vendor_id);
  criteria.product_id = format_usb_id(device.product_id);
  criteria.vendor = escape_regex(trim_blanks(device.vendor));
  criteria.product = escape_regex(trim_blanks(device.product));
  criteria.serial = escape_regex(trim_blanks(device.serial));
  return criteria;
}

std::string escape_regex(std::string_view text) {
  constexpr std::string_view kSpecial = ".[]{}()\\*+?|^$";
  std::string escaped;
  escaped.reserve(text.size() * 2);
  for (const char c : text) {
    if (kSpecial.find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string format_usb_id(std::uint16_t id) { return fmt::format("{:04x}", id); }

}  // namespace walnut::usbhid
