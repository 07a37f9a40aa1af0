// NUT's fix_report_desc for APC and CyberPower (see descriptor_fixes.h).
#include "drivers/usbhid/hid/descriptor_fixes.h"

#include <algorithm>
#include <cstdint>

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

// The voltage limits cps_fix_report_desc sets (CPS_VOLTAGE_LOGMIN/LOGMAX, v2.8.5 cps-hid.c:50-51)
// and the ConfigActivePower maximum it raises to (CPS_NOMINALPWR_LOGMAX, cps-hid.c:54).
constexpr std::int64_t kCpsVoltageMax = 511;
constexpr std::int64_t kCpsNominalPowerMax = 2048;
constexpr Usage kConfigActivePower = 0x00840044;

// `maximum` cut to 2^size - 1 for NUT's uint8_t Size above 1 (a size past long's width cuts
// nothing, where NUT's 1L << 64 is undefined).
std::int64_t cut_to_size(std::int64_t maximum, std::uint32_t bit_size) {
  const std::uint32_t size = bit_size & 0xFF;
  if (size <= 1 || size >= 63) return maximum;
  return std::min(maximum, (std::int64_t{1} << size) - 1);
}

// cps-hid.c (2.8.5) cps_fix_report_desc, first part (:519-570; NUT commits f98c8e508 and
// 006e8792a): CP900EPFCLCD/CP1500PFCLCDa-like models give output Voltage (report 18) the range of
// HighVoltageTransfer (report 16): it becomes 0..511, and so does input Voltage (report 15) when
// it has that range too.
bool fix_cps_transfer_ranges(ReportDescriptor& descriptor) {
  const Field* transfer = descriptor.find_by_id_and_usage(16, kHighVoltageTransfer);
  if (transfer == nullptr) return false;
  const std::int64_t hvt_min = transfer->logical_minimum;
  const std::int64_t hvt_max = transfer->logical_maximum;
  Field* output = descriptor.find_by_id_and_usage(18, kVoltage);
  if (output == nullptr || output->logical_minimum != hvt_min || output->logical_maximum != hvt_max) {
    return false;
  }
  output->logical_minimum = 0;
  output->logical_maximum = kCpsVoltageMax;
  Field* input = descriptor.find_by_id_and_usage(15, kVoltage);
  if (input != nullptr && input->logical_minimum == hvt_min && input->logical_maximum == hvt_max) {
    input->logical_minimum = 0;
    input->logical_maximum = kCpsVoltageMax;
  }
  return true;
}

// Second part (:572-671; NUT commits 94d65f677, cff8cfd43, b249c99d1, 315a18321, #1512, #2718):
// when either voltage's maximum was assumed (LogMax below LogMin, read unsigned), an assumed one
// is raised to 511, then to the other's, then cut to what its bit size holds.
bool fix_cps_assumed_maximums(ReportDescriptor& descriptor) {
  Field* output = descriptor.find_by_id_and_usage(18, kVoltage);
  Field* input = descriptor.find_by_id_and_usage(15, kVoltage);
  if (output == nullptr || input == nullptr) return false;
  const bool output_assumed = output->logical_maximum_assumed;
  const bool input_assumed = input->logical_maximum_assumed;
  if (!output_assumed && !input_assumed) return false;
  std::int64_t output_max = output->logical_maximum;
  std::int64_t input_max = input->logical_maximum;
  if (output_assumed && output_max < kCpsVoltageMax) output_max = kCpsVoltageMax;
  if (input_assumed && input_max < kCpsVoltageMax) input_max = kCpsVoltageMax;
  if (output_assumed && output_max < input_max) {
    output_max = input_max;
  } else if (input_assumed && input_max < output_max) {
    input_max = output_max;
  }
  if (input_assumed) input_max = cut_to_size(input_max, input->bit_size);
  if (output_assumed) output_max = cut_to_size(output_max, output->bit_size);
  bool changed = false;
  if (input_max != input->logical_maximum) {
    input->logical_maximum = input_max;
    changed = true;
  }
  if (output_max != output->logical_maximum) {
    output->logical_maximum = output_max;
    changed = true;
  }
  return changed;
}

// Third part (:673-696; NUT commits c883e506c, 1e35fac07, #2917): ConfigActivePower (report 24)
// declared with a maximum below 2048 clips real nominal powers; it becomes 2048.
bool fix_cps_nominal_power(ReportDescriptor& descriptor) {
  Field* power = descriptor.find_by_id_and_usage(24, kConfigActivePower);
  if (power == nullptr || power->logical_maximum >= kCpsNominalPowerMax) return false;
  power->logical_maximum = kCpsNominalPowerMax;
  return true;
}

bool fix_cps(ReportDescriptor& descriptor) {
  bool changed = fix_cps_transfer_ranges(descriptor);
  changed = fix_cps_assumed_maximums(descriptor) || changed;
  changed = fix_cps_nominal_power(descriptor) || changed;
  return changed;
}

}  // namespace

bool apply_descriptor_fixes(ReportDescriptor& descriptor, std::string_view subdriver,
                            std::uint16_t vendor_id, std::uint16_t product_id) {
  if (subdriver == "apc" && vendor_id == 0x051d && product_id == 0x0002) return fix_apc(descriptor);
  // cps-hid.c:494 (2.8.5): 0764:0601 too since NUT commit bfeeeb27c; not Cyber Energy's 0483:a430.
  if (subdriver == "cps" && vendor_id == 0x0764 && (product_id == 0x0501 || product_id == 0x0601)) {
    return fix_cps(descriptor);
  }
  return false;
}

}  // namespace walnut::hid
