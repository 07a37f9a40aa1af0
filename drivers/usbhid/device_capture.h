// -x capture=FILE and -x explore: what the driver reads from an opened device to write a
// capture file (replayable with port=sim:FILE) or to print NUT's Path lines. A capture is what
// users attach to bug reports, so by default no copy of the device's serial number stays in it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/usbhid/driver_options.h"
#include "drivers/usbhid/hid/capture.h"
#include "drivers/usbhid/hid/usage_table.h"

namespace walnut::usbhid {

class UpsDevice;

// The device's ids, strings 1-3, descriptor, every report it answers GET_REPORT(Feature) for
// (each report ID of the descriptor, asked once), and the other string descriptors its i*
// fields (iName, iOEMInformation, iSerialNumber, ...) point to. REQUIRES: device opened.
hid::Capture capture_device(UpsDevice& device);

// The serial numbers a capture holds: string descriptor 3 (iSerialNumber), every string an
// iSerialNumber field of the reports points to, and the value of every `*.serial` upsc line;
// blanks around them removed, each once. Pure.
std::vector<std::string> capture_serials(const hid::Capture& capture, const hid::UsageTable& table);

// Replaces every copy of each serial with as many 'X' as it has characters, so lengths and
// report layouts stay as they were: in the header and its comments, strings, upsc and paths
// lines (text), and in reports and interrupts as ASCII bytes and as UTF-16LE. A serial shorter
// than 4 characters is replaced only where a whole text equals it (as a substring or in report
// bytes it would also hit unrelated data). The descriptor is never touched. Pure.
void scrub_serials(hid::Capture& capture, const std::vector<std::string>& serials);

// The whole capture file for -x capture=FILE: capture_device(), a first comment naming the
// walnut version and the settings it was read with, and, unless `capture_keep_serial` is among
// the settings, the serials scrubbed (the header comment says so). REQUIRES: device opened.
std::string capture_file_text(UpsDevice& device, const std::vector<Setting>& settings);

// What the driver adds to its error when no subdriver claims a device: the command that
// captures it (as root: udev gives the nut group only the devices a subdriver claims) and
// where to send the capture.
std::string unclaimed_device_hint(std::uint16_t vendor_id, std::uint16_t product_id);

// NUT's explore dump of the device: one Path line per field, values read from the device.
std::vector<std::string> explore_device(UpsDevice& device);

}  // namespace walnut::usbhid
