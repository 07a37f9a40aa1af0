// The claim hooks of NUT 2.8.0's subdrivers (apc-hid.c disable_interrupt_pipe and
// general_apc_check, cps-hid.c cps_battery_scale, tripplite-hid.c battery_scale_* and
// smart1500lcdt_scale), as one registry.
#include "drivers/usbhid/mapping/claim_hook.h"

namespace walnut::mapping {
namespace {

void disable_interrupt_pipe(const DeviceIdentity&, ClaimQuirks& quirks) {
  quirks.disable_interrupt_pipe = true;
  quirks.info = "interrupt pipe disabled (add 'pollonly' flag to 'ups.conf' to get rid of this message)";
}

// Some Back-UPS overflow on some report IDs (NUT's tweak_max_report list).
void apc_max_report(const DeviceIdentity& device, ClaimQuirks& quirks) {
  if (!device.product) {
    quirks.warning = "device->Product is NULL so it is not possible to determine whether to activate "
                     "max_report_size workaround";
    return;
  }
  for (std::string_view prefix : {"Back-UPS ES 525", "Back-UPS CS"}) {
    if (device.product->compare(0, prefix.size(), prefix) == 0) quirks.max_report_size = true;
  }
}

void cps_battery_scale(const DeviceIdentity&, ClaimQuirks& quirks) { quirks.battery_scale_check = true; }

void tl_battery_scale_1dot0(const DeviceIdentity&, ClaimQuirks& quirks) { quirks.scales.battery = 1.0; }

void tl_battery_scale_0dot1(const DeviceIdentity&, ClaimQuirks& quirks) { quirks.scales.battery = 0.1; }

void tl_smart1500lcdt_scale(const DeviceIdentity&, ClaimQuirks& quirks) {
  quirks.scales.battery = 100000.0;
  quirks.scales.io_voltage = 100000.0;
  quirks.scales.io_frequency = 0.01;
  quirks.scales.io_current = 0.01;
}

// openups-hid.c:50 get_voltage_multiplier: d004 (firmware 1.4) has measured ADC scales,
// d005 reports tenths (NUT marks its current scales "unverified").
void openups_voltage_multiplier(const DeviceIdentity& device, ClaimQuirks& quirks) {
  if (device.product_id == 0xd004) {
    quirks.scales.input_voltage = 0.03545 * 100;
    quirks.scales.output_voltage = 0.02571 * 100;
    quirks.scales.charge_current = 0.8274 / 10;
    quirks.scales.discharge_current = 16.113 / 10;
  } else if (device.product_id == 0xd005) {
    quirks.scales.input_voltage = 0.1;
    quirks.scales.output_voltage = 0.1;
    quirks.scales.charge_current = 0.1;
    quirks.scales.discharge_current = 0.1;
  }
}

// powercom-hid.c:769 (powercom_claim): 0d9f:0001 is read from its interrupt pipe only, 8 bytes
// at a time, whatever the interruptonly/interruptsize options say.
void powercom_interrupt_only(const DeviceIdentity&, ClaimQuirks& quirks) {
  quirks.interrupt_only = true;
  quirks.interrupt_size = 8;
}

const ClaimHook kHooks[] = {
    {"disable_interrupt_pipe", "disable_interrupt_pipe", disable_interrupt_pipe,
     "the driver never reads the interrupt pipe (logs NUT's \"interrupt pipe disabled\" notice)"},
    {"apc_max_report", "general_apc_check", apc_max_report,
     "`max_report_size` when iProduct starts with `Back-UPS ES 525` or `Back-UPS CS` (NUT warns without iProduct)"},
    {"cps_battery_scale", "cps_battery_scale", cps_battery_scale,
     "`cps_battvolt` checks the first reading against `battery.voltage.nominal` and may scale by 2/3; "
     "`cps_input_freq`/`cps_output_freq` may scale by 0.1 (2.8.5)"},
    {"tl_battery_scale_1dot0", "battery_scale_1dot0", tl_battery_scale_1dot0, "Tripp Lite battery scale 1"},
    {"tl_battery_scale_0dot1", "battery_scale_0dot1", tl_battery_scale_0dot1, "Tripp Lite battery scale 0.1"},
    {"tl_smart1500lcdt_scale", "smart1500lcdt_scale", tl_smart1500lcdt_scale,
     "Tripp Lite scales: battery and I/O voltage 100000, I/O frequency and current 0.01"},
    {"openups_voltage_multiplier", "get_voltage_multiplier", openups_voltage_multiplier,
     "openUPS scales per product: d004 input ×3.545, output ×2.571, currents ×0.08274 and ×1.6113; d005 all ×0.1"},
    {"powercom_interrupt_only", "powercom_claim", powercom_interrupt_only,
     "interrupt pipe only (NUT's interrupt_only), 8-byte interrupt reports"},
};

}  // namespace

std::span<const ClaimHook> claim_hooks() { return kHooks; }

const ClaimHook* find_claim_hook(std::string_view name) {
  for (const ClaimHook& hook : kHooks) {
    if (hook.name == name) return &hook;
  }
  return nullptr;
}

ClaimQuirks claim_quirks(const Mapping& mapping, const DeviceIdentity& device) {
  ClaimQuirks quirks;
  for (const Claim& claim : mapping.claims) {
    if (claim.vendor_id != device.vendor_id || claim.product_id != device.product_id) continue;
    if (claim.hook != nullptr) claim.hook->apply(device, quirks);
    break;
  }
  return quirks;
}

}  // namespace walnut::mapping
