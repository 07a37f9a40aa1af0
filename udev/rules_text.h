// What walnut-udev-rules writes, from the driver's claim table (mapping::claimed_devices()):
// the udev rules giving the nut group its UPSes (the USB device for libusb, the hidraw node for
// port=hidraw), either all of them or only what a NUT rules file (Debian's
// 62-nut-usbups.rules) lacks; and the README's supported hardware table. Pure.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "drivers/usbhid/mapping/subdriver.h"

namespace walnut::udev {

using UsbIds = std::set<std::pair<std::uint16_t, std::uint16_t>>;

// Rules for every claimed id: its USB device (MODE 664, as NUT's file) and its hidraw node
// (MODE 660), both GROUP nut. Ids in `already_granted` (nut_group_ids() of NUT's file) get no
// USB device rule; their hidraw rule stays, NUT's file has none.
std::string udev_rules(const std::vector<mapping::ClaimedDevice>& claimed,
                       const UsbIds& already_granted = {});

// A markdown table: one row per subdriver, with its vendor:product ids.
std::string supported_hardware_markdown(const std::vector<mapping::ClaimedDevice>& claimed);

}  // namespace walnut::udev
