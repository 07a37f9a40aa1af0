// Subdriver selection as usbhid-ups does it: which compiled-in mapping claims a USB device,
// in NUT's claim order, and the table of USB ids each claims (the source of the udev rules).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/mapping/claim_hook.h"
#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::mapping {

struct SelectionRequest {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::optional<std::string> vendor;   // iManufacturer (claims with a `maker` look at it)
  std::optional<std::string> product;  // iProduct (APC's hook looks at it)
  std::optional<std::string> subdriver;  // the `subdriver` option: a key ("apc") or a regex-free
                                         // prefix of NUT's name ("APC HID"), case-insensitive
  bool productid_option = false;  // `productid` given: accept POSSIBLY_SUPPORTED devices
  bool explore = false;           // `explore` given: the explore subdriver claims everything
};

struct Selection {
  std::string key;      // "apc"
  std::string version;  // "APC HID 0.98"
  ClaimQuirks quirks;   // what the claim's hook asked (claim_hook.h); logged by select_subdriver
  std::string usage_table;         // the claimant's usage-name table ("apc")
  Mapping::DriverDefaults driver;  // its driver-core defaults (`driver:`)
};

// The first compiled-in subdriver that claims the device, in claim order (builtin_claims():
// explore, mge, then the others alphabetically, as NUT's list). An error says why none did
// (NUT's "not (or perhaps not yet) supported" text for a known vendor with an unknown product).
Result<Selection> select_subdriver(const SelectionRequest& request);
// The same over `mappings`, already in claim order (sort_in_claim_order()).
Result<Selection> select_subdriver(const SelectionRequest& request, const std::vector<Mapping>& mappings);

// The USB interface and endpoints the claiming subdriver sets (Mapping::usb), chosen exactly as
// select_subdriver() chooses but silently: the transport asks for each candidate device before
// it claims an interface (NUT runs the claim functions in its device matcher, libusb1.c:481,
// ahead of libusb_claim_interface). Empty when no subdriver claims the device.
UsbHidNumbers claim_usb_numbers(const SelectionRequest& request);
UsbHidNumbers claim_usb_numbers(const SelectionRequest& request, const std::vector<Mapping>& mappings);

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
