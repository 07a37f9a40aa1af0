// NUT's `explore` dump: one "Path: ..., Type: ..., ReportID: ..., Offset: ..., Size: ...,
// Value: ..." line per field, as usbhid-ups -DD prints it (libhid.c HIDDumpTree).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/hid/usage_table.h"

namespace walnut::hid {

// What the device answers to GET_REPORT (Feature) for a report ID: the bytes, ID byte first,
// or nullopt when the request fails. NUT asks for the Feature report for every field type.
using ReportReader = std::function<std::optional<std::vector<std::uint8_t>>(std::uint8_t)>;

struct ExploreDevice {
  std::uint16_t vendor_id = 0;   // NUT skips reports 254/255 on 0463/047c and 0x54 on
  std::uint16_t product_id = 0;  // 09ae:1330 (firmware quirks)
};

// The Path lines NUT prints, in its order (descriptor order), without NUT's log prefix.
// Each report ID is read once through `read` (NUT's buffer: zeros of buffer_size(id) bytes
// overwritten by what arrives); a field whose report could not be read has no ", Value:".
// Values print as printf "%g". Offsets and sizes print (and are read) modulo 256 and paths are
// cut at 127 characters, as NUT's uint8_t fields and 128-byte buffer do.
std::vector<std::string> explore_lines(const ReportDescriptor& descriptor, const UsageTable& table,
                                       const ReportReader& read, const ExploreDevice& device = {});

// NUT's line for one field: value present or not.
std::string explore_line(const Field& field, const UsageTable& table, std::optional<double> value);

}  // namespace walnut::hid
