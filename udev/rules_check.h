// A syntax check for udev rules files (Debian 12's udevadm 252 has no `verify`), and the
// vendor/product ids a rules file grants access to, so tests can compare it with the driver.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace walnut::udev {

// "line N: what" for each problem: unknown key, an operator the key does not take, unquoted or
// unterminated value, bad separator, GOTO without its LABEL, duplicate LABEL.
std::vector<std::string> check_rules(std::string_view text);

// (idVendor, idProduct) of every rule that matches both and sets GROUP="nut" with a MODE giving
// the group read and write access.
std::set<std::pair<std::uint16_t, std::uint16_t>> nut_group_ids(std::string_view text);

}  // namespace walnut::udev
