// Capturing and exploring an opened device; scrubbing serial numbers out of a capture.
#include "drivers/usbhid/device_capture.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "common/version.h"
#include "drivers/usbhid/hid/explore.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {
namespace {

// Where users send a capture; README.md's "Reporting a device" says the same.
constexpr const char* kReportTo = "a new issue in walnut's issue tracker";
constexpr std::size_t kShortSerial = 4;  // below this, only whole texts equal to it are replaced

std::optional<std::string> non_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

struct StringField {
  std::string usage;  // the path's last element: iSerialNumber, iName, ...
  int index = 0;      // the string descriptor it points to
};

// The fields whose usage names a string descriptor (HID's i* usages), with the index the
// capture's reports give them, read as NUT's explore dump reads them.
std::vector<StringField> string_fields(const hid::Capture& capture, const hid::UsageTable& table) {
  auto descriptor = hid::parse_report_descriptor(capture.descriptor);
  if (!descriptor) return {};
  hid::ReportReader read = [&](std::uint8_t id) {
    return hid::captured_report(capture, *descriptor, hid::ReportType::kFeature, id);
  };
  std::vector<StringField> fields;
  for (const std::string& line : hid::explore_lines(*descriptor, table, read)) {
    // "Path: UPS.PowerSummary.iSerialNumber, Type: Feature, ..., Value: 3"
    const auto path_end = line.find(", Type:");
    const auto value_at = line.rfind(", Value: ");
    if (line.rfind("Path: ", 0) != 0 || path_end == std::string::npos ||
        value_at == std::string::npos) {
      continue;
    }
    const std::string path = line.substr(6, path_end - 6);
    const std::string usage = path.substr(path.rfind('.') + 1);
    if (usage.size() < 2 || usage[0] != 'i' || !std::isupper(static_cast<unsigned char>(usage[1]))) {
      continue;
    }
    const int index = std::atoi(line.c_str() + value_at + 9);
    if (index > 0 && index <= 255) fields.push_back({usage, index});
  }
  return fields;
}

std::string placeholder(std::size_t length) { return std::string(length, 'X'); }

void scrub_text(std::string& text, const std::string& serial) {
  if (text == serial) {
    text = placeholder(serial.size());
    return;
  }
  if (serial.size() < kShortSerial) return;
  for (auto at = text.find(serial); at != std::string::npos; at = text.find(serial, at)) {
    text.replace(at, serial.size(), placeholder(serial.size()));
    at += serial.size();
  }
}

// A device's string or a variable: the serial may be all of it, padded with blanks.
void scrub_field(std::string& text, const std::string& serial) {
  if (trim(text) == serial) {
    text.replace(text.find(serial), serial.size(), placeholder(serial.size()));
    return;
  }
  scrub_text(text, serial);
}

// ASCII, and UTF-16LE (each character followed by a 0 byte; the last 0 may be cut off).
void scrub_bytes(std::vector<std::uint8_t>& bytes, const std::string& serial) {
  if (serial.size() < kShortSerial) return;
  const std::size_t n = serial.size();
  for (std::size_t at = 0; at + n <= bytes.size(); ++at) {
    if (std::equal(serial.begin(), serial.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                   [](char c, std::uint8_t b) { return static_cast<std::uint8_t>(c) == b; })) {
      std::fill_n(bytes.begin() + static_cast<std::ptrdiff_t>(at), n, std::uint8_t{'X'});
    }
  }
  const std::size_t wide = 2 * n - 1;
  for (std::size_t at = 0; at + wide <= bytes.size(); ++at) {
    bool match = true;
    for (std::size_t i = 0; i < n && match; ++i) {
      match = bytes[at + 2 * i] == static_cast<std::uint8_t>(serial[i]) &&
              (i + 1 == n || bytes[at + 2 * i + 1] == 0);
    }
    if (!match) continue;
    for (std::size_t i = 0; i < n; ++i) bytes[at + 2 * i] = 'X';
  }
}

// The settings as the header comment shows them; a serial given to match the device is hidden.
std::string settings_text(const std::vector<Setting>& settings, bool keep_serial) {
  std::string text;
  for (const auto& setting : settings) {
    if (!text.empty()) text += ' ';
    text += setting.key;
    if (!setting.value) continue;
    const bool is_serial = setting.key == "serial" || setting.key.ends_with(".serial");
    text += '=';
    text += is_serial && !keep_serial ? placeholder(setting.value->size()) : *setting.value;
  }
  return text;
}

}  // namespace

hid::Capture capture_device(UpsDevice& device) {
  const DeviceInfo& info = device.transport().info();
  hid::Capture capture;
  capture.header.emplace_back("device", info.product.empty() ? "unknown" : info.product);
  capture.header.emplace_back("source", "walnut usbhid-ups -x capture (" + info.path + ")");
  capture.vendor_id = info.vendor_id;
  capture.product_id = info.product_id;
  if (info.bcd_device != 0) capture.bcd_device = info.bcd_device;
  capture.manufacturer = non_empty(info.vendor);
  capture.product = non_empty(info.product);
  capture.serial = non_empty(info.serial);
  capture.descriptor = device.descriptor_bytes();
  std::set<std::uint8_t> seen;
  for (const auto& layout : device.descriptor().reports) {
    if (!seen.insert(layout.report_id).second) continue;
    if (auto bytes = device.get_report(layout.report_id)) {
      capture.reports[layout.report_id] = std::move(*bytes);
    }
  }
  // Strings 1-3 are the header's manufacturer/product/serial (the format's convention).
  for (const StringField& field : string_fields(capture, device.usage_table())) {
    if (field.index <= 3 || capture.strings.contains(field.index)) continue;
    if (auto text = device.transport().string_descriptor(field.index); text && !text->empty()) {
      capture.strings[field.index] = *text;
    }
  }
  return capture;
}

std::vector<std::string> capture_serials(const hid::Capture& capture, const hid::UsageTable& table) {
  std::vector<std::string> serials;
  auto add = [&serials](const std::optional<std::string>& text) {
    if (!text) return;
    std::string serial = trim(*text);
    if (!serial.empty() && std::find(serials.begin(), serials.end(), serial) == serials.end()) {
      serials.push_back(std::move(serial));
    }
  };
  add(capture.serial);
  for (const StringField& field : string_fields(capture, table)) {
    if (field.usage == "iSerialNumber") add(capture.string_descriptor(field.index));
  }
  for (const auto& [name, value] : capture.upsc) {
    if (name.ends_with(".serial")) add(value);
  }
  return serials;
}

void scrub_serials(hid::Capture& capture, const std::vector<std::string>& serials) {
  for (const std::string& serial : serials) {
    if (serial.empty()) continue;
    for (auto& [key, value] : capture.header) scrub_text(value, serial);
    for (auto& comment : capture.comments) scrub_text(comment, serial);
    for (auto* text : {&capture.manufacturer, &capture.product, &capture.serial}) {
      if (*text) scrub_field(**text, serial);
    }
    for (auto& [index, text] : capture.strings) scrub_field(text, serial);
    for (auto& [id, bytes] : capture.reports) scrub_bytes(bytes, serial);
    for (auto& bytes : capture.interrupts) scrub_bytes(bytes, serial);
    for (auto& line : capture.paths) scrub_text(line, serial);
    for (auto& [name, value] : capture.upsc) scrub_field(value, serial);
  }
}

std::string capture_file_text(UpsDevice& device, const std::vector<Setting>& settings) {
  const bool keep_serial = std::any_of(settings.begin(), settings.end(), [](const Setting& s) {
    return s.key == "capture_keep_serial";
  });
  hid::Capture capture = capture_device(device);
  capture.comments.push_back(fmt::format("written by usbhid-ups walnut-{} with: {}", kWalnutVersion,
                                         settings_text(settings, keep_serial)));
  if (keep_serial) {
    capture.comments.push_back("serial numbers kept (capture_keep_serial)");
  } else {
    const auto serials = capture_serials(capture, device.usage_table());
    scrub_serials(capture, serials);
    capture.comments.push_back(
        fmt::format("serial numbers replaced by X ({} found; -x capture_keep_serial keeps them)",
                    serials.size()));
  }
  return hid::write_capture(capture);
}

std::string unclaimed_device_hint(std::uint16_t vendor_id, std::uint16_t product_id) {
  return fmt::format(
      "To report this device, capture it as root (the nut group cannot open a device that no\n"
      "subdriver claims):\n"
      "  usbhid-ups -s report -x port=auto -x vendorid={:04x} -x productid={:04x} -x explore "
      "-x capture=ups-capture.txt -d 1\n"
      "and attach ups-capture.txt (serial numbers are scrubbed) to {} (README.md, \"Reporting "
      "a device\").",
      vendor_id, product_id, kReportTo);
}

std::vector<std::string> explore_device(UpsDevice& device) {
  const DeviceInfo& info = device.transport().info();
  hid::ReportReader read = [&device](std::uint8_t report_id) {
    return device.get_report(report_id);
  };
  return hid::explore_lines(device.descriptor(), device.usage_table(), read,
                            hid::ExploreDevice{info.vendor_id, info.product_id});
}

}  // namespace walnut::usbhid
