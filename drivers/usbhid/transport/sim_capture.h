// Builds the simulated device of port=sim:FILE from a capture file (docs/capture-format.md):
// the capture's ids, strings, descriptor, reports and interrupts, with report lengths from the
// parsed descriptor so missing reports read as zeros, as stockhid/fakeusb.c serves them.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/transport/sim_device.h"

namespace walnut::usbhid {

// Pure: the image of a parsed capture. `path` only fills DeviceInfo::path.
Result<SimDeviceImage> sim_image_from_capture(const hid::Capture& capture, std::string_view path);
// Reads and parses the file; errors name it ("apc.txt: line 12: bad hex byte").
Result<SimDeviceImage> load_sim_image(const std::string& path);

}  // namespace walnut::usbhid
