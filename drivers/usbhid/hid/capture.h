// The capture format: a text file holding what one USB HID UPS says (ids, strings, report
// descriptor, report bytes); the HID corpus format, read and written. See docs/capture-format.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/hid/report_descriptor.h"

namespace walnut::hid {

struct Capture {
  // Header `key: value` lines in file order (device, source, vendorid, ...), and its comments
  // (without the leading '#'), kept so a capture reads back as it was written.
  std::vector<std::pair<std::string, std::string>> header;
  std::vector<std::string> comments;

  // From the header (vendorid/productid in hex, bcddevice optional).
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::optional<std::uint16_t> bcd_device;
  // String descriptors 1, 2, 3; nullopt when the capture lacks them (the device has none).
  std::optional<std::string> manufacturer;
  std::optional<std::string> product;
  std::optional<std::string> serial;
  // Other string descriptors by index (`strings:` section).
  std::map<int, std::string> strings;

  std::vector<std::uint8_t> descriptor;
  // Reports by ID, bytes including the report ID byte first (`reports:`): what GET_REPORT
  // (Feature) answers.
  std::map<std::uint8_t, std::vector<std::uint8_t>> reports;
  // Interrupt-IN reports in the order the device sends them, report ID byte first.
  std::vector<std::vector<std::uint8_t>> interrupts;

  // NUT's reading, when the file carries it: `paths:` lines verbatim, `upsc:` name/value pairs.
  std::vector<std::string> paths;
  std::vector<std::pair<std::string, std::string>> upsc;

  // The header value for `key`, or nullopt.
  std::optional<std::string> header_value(std::string_view key) const;
  // String descriptor `index` (1 manufacturer, 2 product, 3 serial, others from `strings`).
  std::optional<std::string> string_descriptor(int index) const;
};

// Reads a capture. Errors name the line: "line 12: bad hex byte "zz"". Unknown header keys are
// kept; unknown sections are skipped. If `descriptor-length` is given it must match.
Result<Capture> read_capture(std::string_view text);

// Writes a capture that read_capture() reads back equal (header keys in order, then sections;
// vendorid/productid/manufacturer/product/serial/bcddevice/descriptor-length are written from
// the fields, not from `header`).
std::string write_capture(const Capture& capture);

// What the capture's device answers to GET_REPORT(type, id), as NUT's oracle (fakeusb.c) does:
// the captured report if any; else, if the descriptor gives that type bits under this ID (or
// the ID is 0), zeros of 1 + its data size with byte 0 = ID; else nullopt (the device stalls).
std::optional<std::vector<std::uint8_t>> captured_report(const Capture& capture,
                                                         const ReportDescriptor& descriptor,
                                                         ReportType type, std::uint8_t report_id);

}  // namespace walnut::hid
