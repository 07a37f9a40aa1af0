// Who holds a device node (NUT #602, #2666, #2721: two drivers on one UPS): the processes other
// than this one with the node open, found by a scan of /proc/*/fd, for the error of a claim
// that failed because the interface is busy. A driver holder is named by its ups.conf section.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace walnut::usbhid {

struct DeviceHolder {
  int pid = 0;
  std::string comm;                    // /proc/PID/comm
  std::optional<std::string> section;  // a NUT driver's -a/-s NAME: its ups.conf section
};

// The ups.conf section a driver's command line names (`-a NAME`, `-s NAME`, `-aNAME`). Pure.
std::optional<std::string> driver_section(const std::vector<std::string>& argv);

// Whether an fd's link target is `node` (also under a prefix, as in umockdev's testbed). Pure.
bool is_node(std::string_view link_target, std::string_view node);

// "held by PID 1234 (usbhid-ups, ups.conf section [other]), PID 99 (upsmon)". Pure.
std::string describe_holders(const std::vector<DeviceHolder>& holders);

// Processes other than this one with `node` open; those whose fds cannot be read (another
// user's, without privileges) are not seen.
std::vector<DeviceHolder> device_holders(const std::string& node);

}  // namespace walnut::usbhid
