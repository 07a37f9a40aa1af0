// NUT's fix_report_desc for APC and CyberPower (see descriptor_fixes.h).
#include "drivers/usbhid/hid/descriptor_fixes.h"

namespace walnut::hid {
namespace {

constexpr Usage kVoltage = 0x00840030;
constexpr Usage kConfigVoltage = 0x00840040;
constexpr Usage kHighVoltageTransfer = 0x00840054;

// apc-hid.c apc_fix_report_desc: Back-UPS XS 1400U sold for 220-240 V declares 120 V ranges.
bool fix_apc(ReportDescriptor& descriptor) {
  const Field* transfer = descriptor.find_by_id_and_usage(0x33, kHighVoltageTransfer);
  if (transfer == nullptr) return false;
  const std::int64_t transfer_max = transfer->logical_maximum;
  bool changed = false;
  if (Field* voltage = descriptor.find_by_id_and_usage(0x31, kVoltage)) {
    if (transfer_max > voltage->logical_maximum) {
      voltage->logical_minimum = 0;
      voltage->logical_maximum = transfer_max * 2;
      changed = true;
    }
  }
  if (Field* nominal = descriptor.find_by_id_and_usage(0x30, kConfigVoltage)) {
    if (transfer_max > nominal->logical_maximum) {
      nominal->logical_maximum = 255;
      changed = true;
    }
  }
  return changed;
}

// cps-hid.c cps_fix_report_desc: CP900EPFCLCD-like models give output Voltage the range of
// HighVoltageTransfer. NUT 2.8.0 only logs the input voltage (report 15); it changes nothing.
bool fix_cps(ReportDescriptor& descriptor) {
  const Field* transfer = descriptor.find_by_id_and_usage(16, kHighVoltageTransfer);
  if (transfer == nullptr) return false;
  Field* output = descriptor.find_by_id_and_usage(18, kVoltage);
  if (output == nullptr) return false;
  if (transfer->logical_minimum != output->logical_minimum ||
      transfer->logical_maximum != output->logical_maximum) {
    return false;
  }
  output->logical_minimum = 0;
  output->logical_maximum = 511;
  return true;
}

}  // namespace

bool apply_descriptor_fixes(ReportDescriptor& descriptor, std::string_view subdriver,
                            std::uint16_t vendor_id, std::uint16_t product_id) {
  if (subdriver == "apc" && vendor_id == 0x051d && product_id == 0x0002) return fix_apc(descriptor);
  if (subdriver == "cps" && vendor_id == 0x0764 && product_id == 0x0501) return fix_cps(descriptor);
  return false;
}

}  // namespace walnut::hid
