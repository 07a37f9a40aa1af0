// NUT's per-subdriver descriptor fixes (fix_report_desc): corrections NUT applies to the
// parsed descriptors of devices known to declare wrong logical ranges.
#pragma once

#include <cstdint>
#include <string_view>

#include "drivers/usbhid/hid/report_descriptor.h"

namespace walnut::hid {

// Applies the fix of subdriver `subdriver` (UsageTable::find names; only "apc" and "cps" have
// one) to `descriptor` for the device vendor_id:product_id, exactly as NUT does before it reads
// any value:
// - apc (051d:0002 only): if HighVoltageTransfer (report 0x33) has a larger Logical Maximum than
//   Voltage (report 0x31), Voltage becomes 0..2×that; if larger than ConfigVoltage (report
//   0x30), ConfigVoltage's maximum becomes 255 (Back-UPS XS 1400U, NUT issue #1189).
// - cps (0764:0501 and 0601, NUT 2.8.5): if output Voltage (report 18) has the same logical
//   range as HighVoltageTransfer (report 16), it becomes 0..511, and so does input Voltage
//   (report 15) with that range; where either voltage's maximum was assumed (read unsigned), an
//   assumed one is raised to 511, then to the other's, then cut to its bit size; a
//   ConfigActivePower (report 24) maximum below 2048 becomes 2048.
// Returns true if anything changed.
bool apply_descriptor_fixes(ReportDescriptor& descriptor, std::string_view subdriver,
                            std::uint16_t vendor_id, std::uint16_t product_id);

}  // namespace walnut::hid
