// Claim hooks: what NUT's usb_device_id_t `fun` does for the device it claims (disable the
// interrupt pipe, the max_report_size tweak, battery and I/O scales). A mapping's claim names
// its hook (`hook: apc_max_report`); each hook lives once in the registry below, and
// docs/mappings.md lists the registry (a test checks).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "drivers/usbhid/mapping/converter.h"
#include "drivers/usbhid/mapping/mapping.h"
#include "drivers/usbhid/mapping/model_options.h"

namespace walnut::mapping {

// What a claim's hook asks of the driver and of the model.
struct ClaimQuirks {
  bool disable_interrupt_pipe = false;  // the driver never reads interrupts (APC 051d:0003)
  bool max_report_size = false;         // NUT's max_report_size (HidUps::request_length)
  bool battery_scale_check = false;     // cps_battvolt, cps_*_freq may rescale (might_need)
  DeviceScales scales;                  // the tripplite_* converters' factors
  bool interrupt_only = false;          // NUT's interrupt_only: no GET_REPORT, interrupts only
  std::size_t interrupt_size = 0;       // NUT's interrupt_size when set (0: unchanged)
  // What NUT logs when the hook runs (the driver logs these once, at selection).
  std::string info;
  std::string warning;
};

struct ClaimHook {
  std::string_view name;      // as mappings spell it
  std::string_view nut_name;  // NUT's function
  void (*apply)(const DeviceIdentity& device, ClaimQuirks& quirks);
  std::string_view doc;  // one line: what it does
};

// The registry, in documentation order.
std::span<const ClaimHook> claim_hooks();
// nullptr for a name the registry does not hold.
const ClaimHook* find_claim_hook(std::string_view name);

// The quirks of `mapping`'s claim for the device (its first claim with the same ids, as NUT's
// table lookup); none when no claim matches or it has no hook.
ClaimQuirks claim_quirks(const Mapping& mapping, const DeviceIdentity& device);

}  // namespace walnut::mapping
