// NUT-style device matching: the ups.conf options (vendorid, productid, vendor, product, serial,
// bus, device, busport) as extended, case-insensitive, whole-string regular expressions. Pure.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {

// The compiled form of MatchCriteria. Matching follows NUT's regex_matcher
// (drivers/usb-common.c): POSIX REG_EXTENDED|REG_ICASE, the field trimmed of leading and trailing
// blanks (space, tab, newline) and the match required to cover all of it; an absent criterion
// matches anything; numeric ids are matched as four lower-case hex digits ("051d").
class DeviceMatcher {
 public:
  // Returns an error naming the option whose expression does not compile
  // ("serial: invalid regular expression \"(\": ...").
  static Result<DeviceMatcher> compile(const MatchCriteria& criteria);

  bool matches(const DeviceInfo& device) const { return !mismatch(device).has_value(); }

  // The first criterion `device` fails, worded for a debug log
  // ("Serial: \"AB12\" !~ \"CD.*\""), or nothing when it matches.
  std::optional<std::string> mismatch(const DeviceInfo& device) const;

 private:
  struct Criterion;
  std::vector<std::shared_ptr<const Criterion>> criteria_;
};

// Criteria that accept only a device with this one's vendor/product ids and vendor, product and
// serial strings: NUT's exact matcher, used to find the same UPS again after a reconnect.
MatchCriteria exact_criteria(const DeviceInfo& device);

// `text` with every extended-regex metacharacter escaped, so it matches itself literally.
std::string escape_regex(std::string_view text);

// A USB id as NUT matches and prints it: four lower-case hex digits.
std::string format_usb_id(std::uint16_t id);

}  // namespace walnut::usbhid
