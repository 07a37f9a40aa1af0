// The HID report-descriptor parser: turns the bytes a device sends into a flat list of fields
// (usage path, report type/ID, bit position, ranges, unit) the way NUT's hidparser.c reads them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace walnut::hid {

// A usage as NUT stores it: (usage page << 16) | usage ID. NUT's collection index nodes
// (a Collection item whose value is >= 0x80) are 0x00FF0000 | (value & 0x7F).
using Usage = std::uint32_t;
using UsagePath = std::vector<Usage>;

// Values are the high byte of GET_REPORT/SET_REPORT's wValue (HID 1.11, 7.2.1).
enum class ReportType : std::uint8_t { kInput = 1, kOutput = 2, kFeature = 3 };

// "Input", "Output", "Feature" (NUT's HIDDataType()).
const char* report_type_name(ReportType type);

// Main item data bits (HID 1.11, 6.2.2.5): the low byte is what NUT calls Attribute.
enum FieldFlag : std::uint32_t {
  kFlagConstant = 0x001,       // else data
  kFlagVariable = 0x002,       // else array
  kFlagRelative = 0x004,       // else absolute
  kFlagWrap = 0x008,
  kFlagNonLinear = 0x010,
  kFlagNoPreferred = 0x020,
  kFlagNullState = 0x040,
  kFlagVolatile = 0x080,       // Feature/Output only
  kFlagBufferedBytes = 0x100,  // else bit field
};

// One control of one report: what NUT calls an HIDData_t "item".
struct Field {
  UsagePath path;  // collection usages (with index nodes), then the control's own usage
  ReportType type = ReportType::kFeature;
  std::uint8_t report_id = 0;
  std::uint32_t bit_offset = 0;  // within the report, counted after the report ID byte
  std::uint32_t bit_size = 0;    // Report Size (at most kMaxReportSizeBits)
  std::int64_t logical_minimum = 0;
  std::int64_t logical_maximum = 0;
  std::int64_t physical_minimum = 0;
  std::int64_t physical_maximum = 0;
  bool has_physical_minimum = false;  // seen in the descriptor (NUT's have_PhyMin)
  bool has_physical_maximum = false;
  std::uint32_t unit = 0;      // HID unit code, e.g. 0x00F0D121 (volt)
  std::int8_t unit_exponent = 0;  // -8..7 as NUT decodes the nibble
  std::uint32_t flags = 0;     // FieldFlag bits: the Main item's data value
  // NUT's workaround ran: Logical Maximum decoded below Logical Minimum, so the maximum was
  // reinterpreted as the unsigned value of its bytes.
  bool logical_maximum_reinterpreted = false;
  // NUT 2.8.5's assumed_LogMax, which cps_fix_report_desc reads: set on this field and on every
  // field after the first reinterpretation in the descriptor (NUT never clears it).
  bool logical_maximum_assumed = false;
};

// The bits one report (type + ID) occupies, padding included, as the descriptor lays it out.
struct ReportLayout {
  ReportType type = ReportType::kFeature;
  std::uint8_t report_id = 0;
  std::uint32_t bit_length = 0;
};

struct ReportDescriptor {
  // In descriptor order, which is NUT's item order (its debug dump and its path lookups).
  std::vector<Field> fields;
  // One entry per (type, report ID) that has any Main item, in order of first appearance.
  std::vector<ReportLayout> reports;
  bool uses_report_ids = false;
  // Things NUT would log while parsing (e.g. the LogMax < LogMin workaround), in order.
  std::vector<std::string> warnings;

  // Data bytes of the report (report ID byte not counted); 0 if the descriptor has none.
  std::size_t report_size(ReportType type, std::uint8_t report_id) const;
  // NUT's report buffer length for `report_id`: 1 (the ID byte) + the largest data size over
  // the three report types (libhid.c new_report_buffer: replen + 1). 1 if the ID is unused.
  std::size_t buffer_size(std::uint8_t report_id) const;
  // NUT's FindObject_with_Path: the first field of `type` whose path begins with `path`.
  const Field* find(const UsagePath& path, ReportType type) const;
  Field* find(const UsagePath& path, ReportType type);
  // NUT's FindObject_with_ID_Node: the first field of `report_id` whose last usage is `usage`.
  Field* find_by_id_and_usage(std::uint8_t report_id, Usage usage);
};

// Limits that keep a hostile descriptor from costing more than a few MB.
inline constexpr std::size_t kMaxDescriptorBytes = 65535;  // wDescriptorLength is 16-bit
inline constexpr std::uint32_t kMaxReportSizeBits = 255;  // NUT keeps Size in a uint8_t
inline constexpr std::uint32_t kMaxReportBits = 8 * 4096;
inline constexpr std::size_t kMaxFields = 8192;
inline constexpr std::size_t kMaxCollectionDepth = 32;
inline constexpr std::size_t kMaxUsagesPerItem = 4096;
inline constexpr std::size_t kMaxPushDepth = 32;

// Parses a report descriptor (HID 1.11 section 6.2.2): short and long items, global items with
// Push/Pop, local usages (16-bit with the current Usage Page, 32-bit extended, Usage
// Minimum/Maximum ranges), Input/Output/Feature with their flags, nested collections, report
// IDs. Fields follow NUT's reading: the i-th usage of a Main item names its i-th control;
// controls without a usage (padding, or more controls than usages) are not fields but take
// their bits. Logical/physical extents are sign-extended by their encoded size; when Logical
// Maximum comes out below Logical Minimum it is reread unsigned (NUT's workaround, warned).
// Returns an error saying what and at which byte offset for truncated items, unbalanced
// collections, Pop without Push, absurd sizes or counts, or no fields at all.
// Where NUT 2.8.0 misreads a descriptor this parser follows the HID spec instead (no corpus
// device is affected): Push/Pop and Usage Minimum/Maximum (NUT ignores them), bit offsets of
// 256 and more (NUT's uint8_t wraps; explore_lines() prints them wrapped as NUT does), devices
// without Report IDs (NUT gives every such field offset 0), Report Count 0 (NUT makes 256
// controls of it).
Result<ReportDescriptor> parse_report_descriptor(std::span<const std::uint8_t> bytes);

}  // namespace walnut::hid
