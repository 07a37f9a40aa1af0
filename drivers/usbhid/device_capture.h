// -x capture=FILE and -x explore: what the driver reads from an opened device to write a
// capture file (replayable with port=sim:FILE) or to print NUT's Path lines.
#pragma once

#include <string>
#include <vector>

#include "drivers/usbhid/hid/capture.h"

namespace walnut::usbhid {

class UpsDevice;

// The device's ids, strings 1-3, descriptor and every report it answers GET_REPORT(Feature)
// for (each report ID of the descriptor, asked once). REQUIRES: device opened.
hid::Capture capture_device(UpsDevice& device);

// NUT's explore dump of the device: one Path line per field, values read from the device.
std::vector<std::string> explore_device(UpsDevice& device);

}  // namespace walnut::usbhid
