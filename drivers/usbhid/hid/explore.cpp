// NUT's field dump (see explore.h): HIDDumpTree's loop and line format.
#include "drivers/usbhid/hid/explore.h"

#include <array>
#include <cstdio>
#include <map>

#include "drivers/usbhid/hid/codec.h"

namespace walnut::hid {
namespace {

// NUT's path_to_string writes into a 128-byte buffer.
constexpr std::size_t kMaxPathChars = 127;

bool skipped_by_nut(const Field& field, const ExploreDevice& device) {
  if (device.vendor_id == 0x0463 || device.vendor_id == 0x047c) {
    if (field.report_id == 254 || field.report_id == 255) return true;
  }
  return device.vendor_id == 0x09ae && device.product_id == 0x1330 && field.report_id == 0x54;
}

// NUT keeps Offset and Size in uint8_t: larger ones wrap, for printing and for reading.
Field as_nut_sees_it(const Field& field) {
  Field copy = field;
  copy.bit_offset &= 0xFF;
  copy.bit_size &= 0xFF;
  return copy;
}

}  // namespace

std::string explore_line(const Field& field, const UsageTable& table, std::optional<double> value) {
  std::string path = table.path_to_string(field.path);
  if (path.size() > kMaxPathChars) path.resize(kMaxPathChars);
  std::array<char, 64> number{};
  if (value) std::snprintf(number.data(), number.size(), "%g", *value);
  std::array<char, 128> tail{};
  std::snprintf(tail.data(), tail.size(), ", Type: %s, ReportID: 0x%02x, Offset: %u, Size: %u",
                report_type_name(field.type), static_cast<unsigned>(field.report_id),
                static_cast<unsigned>(field.bit_offset & 0xFF),
                static_cast<unsigned>(field.bit_size & 0xFF));
  std::string line = "Path: " + path + tail.data();
  if (value) line += std::string(", Value: ") + number.data();
  return line;
}

std::vector<std::string> explore_lines(const ReportDescriptor& descriptor, const UsageTable& table,
                                       const ReportReader& read, const ExploreDevice& device) {
  // NUT's report buffer: one per ID, read once (the dump runs well within its 2 s cache age).
  std::map<std::uint8_t, std::optional<std::vector<std::uint8_t>>> buffers;
  std::vector<std::string> lines;
  lines.reserve(descriptor.fields.size());
  for (const Field& original : descriptor.fields) {
    if (skipped_by_nut(original, device)) continue;
    const Field field = as_nut_sees_it(original);
    auto it = buffers.find(field.report_id);
    if (it == buffers.end()) {
      std::optional<std::vector<std::uint8_t>> buffer;
      if (auto bytes = read(field.report_id)) {
        buffer.emplace(descriptor.buffer_size(field.report_id), 0);
        std::copy_n(bytes->begin(), std::min(bytes->size(), buffer->size()), buffer->begin());
      }
      it = buffers.emplace(field.report_id, std::move(buffer)).first;
    }
    std::optional<double> value;
    if (it->second) value = extract_value(*it->second, field);
    lines.push_back(explore_line(field, table, value));
  }
  return lines;
}

}  // namespace walnut::hid
