// Subdriver selection as usbhid-ups does it: which compiled-in mapping claims a USB device,
// in NUT's claim order, and the table of USB ids each claims (the source of the udev rules).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::mapping {

// What a claim's hook asks of the driver (NUT's usb_device_id_t fun side effects).
struct ClaimQuirks {
  bool disable_interrupt_pipe = false;  // APC 051d:0003 ("interrupt pipe disabled ..." logged)
  bool max_report_size = false;         // APC Back-UPS ES 525 / CS: NUT's maxreport tweak
};

struct SelectionRequest {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::optional<std::string> product;  // iProduct (APC's hook looks at it)
  std::optional<std::string> subdriver;  // the `subdriver` option: a key ("apc") or a regex-free
                                         // prefix of NUT's name ("APC HID"), case-insensitive
  bool productid_option = false;  // `productid` given: accept POSSIBLY_SUPPORTED devices
  bool explore = false;           // `explore` given: the explore subdriver claims everything
};

struct Selection {
  std::string key;      // "apc"
  std::string version;  // "APC HID 0.98"
  ClaimQuirks quirks;
};

// The first subdriver that claims the device, in NUT's order (explore, mge, apc, cps, ...,
// tripplite). An error says why none did (NUT's "not (or perhaps not yet) supported" text for a
// known vendor with an unknown product).
Result<Selection> select_subdriver(const SelectionRequest& request);

// Every USB id claimed by a compiled-in subdriver, in claim order (explore claims none).
struct ClaimedDevice {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::string subdriver;  // key
  std::string version;    // "APC HID 0.98"
};
// The source of udev/'s rules and of README's supported hardware table.
std::vector<ClaimedDevice> claimed_devices();

}  // namespace walnut::mapping
