// A subdriver's HID -> NUT mapping as data (NUT's hid_info_t table, its lookups and claims),
// and the loader that reads it from a vendor YAML file (drivers/usbhid/mappings/*.yaml).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace walnut::mapping {

// NUT's hid_info_t.hidflags (drivers/usbhid-ups.h), same bit values.
enum HidFlag : unsigned {
  kHidStatic = 2,           // read once at init (2.8.0: never in full walks)
  kHidSemiStatic = 4,       // re-read only after a setvar/instcmd
  kHidAbsent = 8,           // driver-side variable: the path only has to exist
  kHidQuickPoll = 16,       // read in quick walks too
  kHidStale = 32,
  kHidCommand = 64,         // HU_TYPE_CMD
  kHidEnum = 128,           // publish the lookup's texts as ENUM (RW vars only)
  kHidParamRequired = 256,  // not in 2.8.0; accepted for forward compatibility
};

// One value lookup (NUT's info_lkp_t): either a table, read in order, first match wins in both
// directions; or a named converter (NUT's fun/nuf pairs: date, apc_date, kelvin_celsius...).
struct LookupEntry {
  long hid_value = 0;
  std::string nut_value;
  bool operator==(const LookupEntry&) const = default;
};
struct Converter;  // converter.h
struct Lookup {
  std::string name;
  std::vector<LookupEntry> entries;  // with `converter`: only NUT->HID texts and enums (`values:`)
  const Converter* converter = nullptr;  // from the registry (converter.h), or a plain table
  bool operator==(const Lookup&) const = default;
};

// What a table row feeds: a NUT variable, a status bit (NUT's "BOOL"), an ups.alarm text, or
// an instant command (HU_TYPE_CMD).
enum class EntryKind { kVariable, kStatus, kAlarm, kCommand };

// One row of the table, in NUT's order (the order decides which of several rows for the same
// variable wins at init, and which row an interrupt item is routed to).
struct Entry {
  EntryKind kind = EntryKind::kVariable;
  std::string name;         // NUT variable or command name ("BOOL" rows: "BOOL")
  std::string path;         // HID path string, NUT's spelling
  unsigned info_flags = 0;  // ST_FLAG_RW 1, ST_FLAG_STRING 2, ST_FLAG_NUMBER 4
  int info_length = 0;      // STRING max length (SETAUX)
  std::string format;       // printf format ("%.1f"), default value (absent), value (command)
  unsigned hid_flags = 0;   // HidFlag bits
  int lookup = -1;          // index into Mapping::lookups, or -1
  int line = 0;             // source line in the YAML, for messages
  bool operator==(const Entry&) const = default;
};

// A USB id a subdriver claims (NUT's usb_device_id_t rows) and the quirk hook NUT runs on it.
struct ClaimHook;  // claim_hook.h
// The USB numbers a subdriver's claim sets for its devices before libusb opens them (NUT's
// arduino_claim, powervar_claim: usb->hid_rep_index, hid_ep_in, hid_ep_out, hid_desc_index, each
// only when the user gave no usb_hid_* option of that name). Unset: the transport's own choice.
struct UsbHidNumbers {
  std::optional<std::uint8_t> rep_index;   // the HID interface claimed, wIndex of its requests
  std::optional<std::uint8_t> desc_index;  // the HID / report descriptor index
  std::optional<std::uint8_t> ep_in;       // interrupt IN endpoint number (address 0x80 + it)
  std::optional<std::uint8_t> ep_out;      // interrupt OUT endpoint number
  bool any() const { return rep_index || desc_index || ep_in || ep_out; }
  bool operator==(const UsbHidNumbers&) const = default;
};

struct Claim {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  const ClaimHook* hook = nullptr;  // from the registry (claim_hook.h), or none
  // NUT's claim functions that check who made a shared USB id (mge-hid.c: AEG under Phoenixtec,
  // KSTAR): the id is claimed only when one of these strings contains `maker`; else silently not.
  std::string maker;
  bool maker_in_product = false;  // also look in iProduct (AEG), not only iManufacturer
  // USB numbers for this product only, over the mapping's `usb` (belkin_claim's
  // usb_hid_rep_index=1 for Liebert 10af:0002).
  UsbHidNumbers usb;
  bool operator==(const Claim&) const = default;
};

struct Mapping {
  std::string name;            // subdriver key ("apc")
  std::string version;         // NUT's subdriver name string ("APC HID 0.98"): driver.version.data
  // Where the subdriver stands in the claim order: lower claims first, equal orders go by key
  // (NUT's subdriver_list: explore 0, mge 10, then every other one alphabetically at 50).
  int claim_order = kDefaultClaimOrder;
  static constexpr int kDefaultClaimOrder = 50;
  // NUT's explore subdriver: claims any device, but only when the `explore` option is given.
  bool explore = false;
  std::string usage_table;     // the HID usage-name table for path strings ("apc")
  std::vector<Claim> claims;   // in NUT's table order
  UsbHidNumbers usb;           // applies to every device this subdriver claims
  // NUT's POSSIBLY_SUPPORTED: a known vendor id whose product id is not listed is accepted only
  // with the `productid` option; the text names the vendor in NUT's message.
  std::string possibly_supported;
  // The name for one vendor id where it differs (belkin_claim: "Liebert" for 10af).
  std::vector<std::pair<std::uint16_t, std::string>> possibly_supported_vendors;
  // Known vendors whose unknown products are refused without NUT's message (HP for Tripp Lite).
  std::vector<std::uint16_t> quiet_vendors;
  // Devices of a claimed vendor NUT refuses outright, with its message (not HID devices), or
  // silently when the message is empty (belkin_claim's 050d:0218 USB hub).
  struct Refusal {
    std::uint16_t vendor_id = 0;
    std::uint16_t product_id = 0;
    std::string message;
    bool operator==(const Refusal&) const = default;
  };
  std::vector<Refusal> unsupported;
  // How ups.mfr / ups.model / ups.serial are made from the USB strings (identity.h).
  // "vendor", "vendor_or:<text>" or "vendor_trim_or:<text>" (leading blanks cut, <text> if none
  // is left: belkin_format_mfr)
  std::string mfr_format = "vendor";
  // "product", "product_or_unknown" ("unknown" for an absent or empty one: belkin_format_model),
  // "apc_product" (FW: split), "mge_product", "delta_product"
  std::string model_format = "product";
  // "serial" or "serial_or_item:<path>" (without iSerialNumber, the string that item indexes:
  // belkin_format_serial)
  std::string serial_format = "serial";
  std::string fix_report_descriptor;  // named descriptor quirk ("apc", "cps") or ""
  // What NUT's driver core does differently for this subdriver's devices (2.8.5's usbhid-ups.c
  // names cps_subdriver at :1593, :1609, :1648 and :1663): the `driver:` section.
  struct DriverDefaults {
    std::optional<int> pollfreq;     // pollfreq when the user gives none (DEFAULT_POLLFREQ_CPS)
    bool delays_in_minutes = false;  // warn for an ondelay/offdelay the UPS rounds down
    bool suggest_pollonly = false;   // warn that pollonly may help, when it is not set
    bool operator==(const DriverDefaults&) const = default;
  };
  DriverDefaults driver;
  // NUT's models_name_t table (mge-hid.c mge_model_names): an iProduct and iModel pair gives
  // the model series the converters check (NUT's models_type_t value) and a fixed ups.model
  // ("" = "<iProduct> <iModel>"). Read by identity `mge_product`; the first match wins.
  struct ModelName {
    std::string product;
    std::string model;
    int type = 0;
    std::string name;
    bool operator==(const ModelName&) const = default;
  };
  std::vector<ModelName> model_names;
  std::vector<Lookup> lookups;
  std::vector<Entry> entries;

  bool operator==(const Mapping&) const = default;

  // REQUIRES: index valid. nullptr when the entry has no lookup.
  const Lookup* lookup_of(const Entry& entry) const {
    return entry.lookup < 0 ? nullptr : &lookups[static_cast<std::size_t>(entry.lookup)];
  }
};

// Reads a mapping from YAML text. `file_name` only labels errors: "apc.yaml:12: unknown flag
// "semistatic"". Lookups referenced by entries must be defined in the file or be one of NUT's
// shared lookups (online, beeper, test_read, ...) or converters (see docs/mappings.md).
Result<Mapping> load_mapping(std::string_view text, std::string_view file_name);

// The mappings compiled into the binary (the YAML files of drivers/usbhid/mappings/, packed at
// build time: mapping_pack.h), by subdriver key ("apc", "cps", "mge", "tripplite",
// "explore"); an error for unknown keys. These and builtin_claims() / builtin_mapping_names()
// need the packed tables linked (walnut_packed_tables); the YAML side (load_mapping(),
// builtin_mapping_text()) does not.
Result<Mapping> builtin_mapping(std::string_view name);
// Keys of the compiled-in mappings (every YAML file of drivers/usbhid/mappings/ but the shared
// common.yaml), in claim order.
const std::vector<std::string>& builtin_mapping_names();
// The compiled-in mappings' claim side (no lookups, no table rows: what subdriver selection and
// the udev rules need), unpacked on each call (not kept), in claim order. walnut-yaml checked
// every file when it packed them; one that fails to unpack is logged and left out.
std::vector<Mapping> builtin_claims();
// Sorts mappings into claim order (claim_order, then key).
void sort_in_claim_order(std::vector<Mapping>& mappings);
// The YAML text of a compiled-in mapping ("" for unknown keys): what walnut-yaml packs, and a
// starting point for a file of one's own (`mapping` option).
std::string_view builtin_mapping_text(std::string_view name);

}  // namespace walnut::mapping
