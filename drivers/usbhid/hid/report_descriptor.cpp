// The report-descriptor parser (see report_descriptor.h): an item walker with HID's global,
// local and collection state, emitting fields the way NUT's hidparser.c does.
#include "drivers/usbhid/hid/report_descriptor.h"

#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

namespace walnut::hid {
namespace {

// Item tags with their type bits (HID 1.11, 6.2.2.4-6.2.2.8), size bits masked off.
enum Tag : std::uint8_t {
  kInput = 0x80, kOutput = 0x90, kFeature = 0xB0, kCollection = 0xA0, kEndCollection = 0xC0,
  kUsagePage = 0x04, kLogicalMinimum = 0x14, kLogicalMaximum = 0x24, kPhysicalMinimum = 0x34,
  kPhysicalMaximum = 0x44, kUnitExponent = 0x54, kUnit = 0x64, kReportSize = 0x74,
  kReportId = 0x84, kReportCount = 0x94, kPush = 0xA4, kPop = 0xB4,
  kUsage = 0x08, kUsageMinimum = 0x18, kUsageMaximum = 0x28,
};
constexpr std::uint8_t kLongItemPrefix = 0xFE;

struct Item {
  std::uint8_t tag = 0;   // prefix & 0xFC
  std::uint8_t size = 0;  // data bytes: 0, 1, 2 or 4
  std::uint32_t value = 0;
  std::size_t offset = 0;  // of the prefix byte
};

// The global state Push/Pop save and restore.
struct Globals {
  std::uint16_t usage_page = 0;
  std::int64_t logical_minimum = 0;
  std::int64_t logical_maximum = 0;
  bool logical_maximum_reinterpreted = false;
  std::int64_t physical_minimum = 0;
  std::int64_t physical_maximum = 0;
  bool has_physical_minimum = false;
  bool has_physical_maximum = false;
  std::uint32_t unit = 0;
  std::int8_t unit_exponent = 0;
  std::uint32_t report_size = 0;
  std::uint8_t report_id = 0;
  std::uint32_t report_count = 0;
};

// Sign-extends by the encoded size, as NUT's FormatValue does.
std::int64_t signed_value(const Item& item) {
  switch (item.size) {
    case 1: return static_cast<std::int8_t>(item.value);
    case 2: return static_cast<std::int16_t>(item.value);
    case 4: return static_cast<std::int32_t>(item.value);
    default: return item.value;
  }
}

// 16-bit usages take the current Usage Page; 32-bit ones carry their own (HID 1.11 6.2.2.8).
Usage full_usage(const Item& item, std::uint16_t usage_page) {
  if (item.size == 4) return item.value;
  return (static_cast<Usage>(usage_page) << 16) | (item.value & 0xFFFF);
}

int type_index(ReportType type) { return static_cast<int>(type) - 1; }

class Parser {
 public:
  explicit Parser(std::span<const std::uint8_t> bytes) : bytes_(bytes) { slots_.fill(-1); }

  Result<ReportDescriptor> run() {
    if (bytes_.size() > kMaxDescriptorBytes) {
      return Error{fmt::format("report descriptor too long ({} bytes)", bytes_.size())};
    }
    while (pos_ < bytes_.size()) {
      Item item;
      if (auto status = next_item(item); !status) return Error{status.error()};
      if (auto status = apply(item); !status) return Error{status.error()};
    }
    if (!collections_.empty()) {
      return Error{fmt::format("unbalanced collections: {} not closed at the end",
                               collections_.size())};
    }
    if (out_.fields.empty()) return Error{"report descriptor declares no fields"};
    return std::move(out_);
  }

 private:
  Status fail(std::size_t offset, std::string_view what) {
    return Error{fmt::format("byte {}: {}", offset, what)};
  }

  Status next_item(Item& item) {
    item.offset = pos_;
    const std::uint8_t prefix = bytes_[pos_++];
    if (prefix == kLongItemPrefix) {
      // Long items (bDataSize, bLongItemTag, data) carry no defined tags: skipped, as NUT does.
      if (bytes_.size() - pos_ < 2) return fail(item.offset, "truncated long item");
      const std::size_t data_size = bytes_[pos_];
      pos_ += 2;
      if (bytes_.size() - pos_ < data_size) return fail(item.offset, "truncated long item");
      pos_ += data_size;
      item.tag = kLongItemPrefix;
      return Ok{};
    }
    static constexpr std::array<std::uint8_t, 4> kSizes = {0, 1, 2, 4};
    item.tag = prefix & 0xFC;
    item.size = kSizes[prefix & 0x03];
    if (bytes_.size() - pos_ < item.size) {
      return fail(item.offset, fmt::format("truncated item 0x{:02x}", prefix));
    }
    for (std::size_t i = 0; i < item.size; ++i) {
      item.value |= static_cast<std::uint32_t>(bytes_[pos_ + i]) << (8 * i);
    }
    pos_ += item.size;
    return Ok{};
  }

  Status apply(const Item& item) {
    switch (item.tag) {
      case kInput: return main_item(item, ReportType::kInput);
      case kOutput: return main_item(item, ReportType::kOutput);
      case kFeature: return main_item(item, ReportType::kFeature);
      case kCollection: return collection(item);
      case kEndCollection: return end_collection(item);
      case kUsage: return add_usage(full_usage(item, globals_.usage_page), item);
      case kUsageMinimum:
        usage_minimum_ = full_usage(item, globals_.usage_page);
        return Ok{};
      case kUsageMaximum: return usage_range(item);
      case kPush:
        if (stack_.size() >= kMaxPushDepth) return fail(item.offset, "Push nested too deeply");
        stack_.push_back(globals_);
        return Ok{};
      case kPop:
        if (stack_.empty()) return fail(item.offset, "Pop without Push");
        globals_ = stack_.back();
        stack_.pop_back();
        return Ok{};
      default: return global_item(item);
    }
  }

  Status global_item(const Item& item) {
    Globals& g = globals_;
    switch (item.tag) {
      case kUsagePage: g.usage_page = static_cast<std::uint16_t>(item.value); break;
      case kLogicalMinimum: g.logical_minimum = signed_value(item); break;
      case kLogicalMaximum: logical_maximum(item); break;
      case kPhysicalMinimum:
        g.physical_minimum = signed_value(item);
        g.has_physical_minimum = true;
        break;
      case kPhysicalMaximum:
        g.physical_maximum = signed_value(item);
        g.has_physical_maximum = true;
        break;
      case kUnitExponent: {
        // NUT reads the byte as signed and widens a nibble above 7 to its negative value.
        auto exponent = static_cast<std::int8_t>(item.value);
        if (exponent > 7) exponent = static_cast<std::int8_t>(exponent | 0xF0);
        g.unit_exponent = exponent;
        break;
      }
      case kUnit: g.unit = item.value; break;
      case kReportSize:
        if (item.value > kMaxReportSizeBits) {
          return fail(item.offset, fmt::format("Report Size {} too large", item.value));
        }
        g.report_size = item.value;
        break;
      case kReportId:
        if (item.value > 0xFF) return fail(item.offset, "Report ID above 255");
        g.report_id = static_cast<std::uint8_t>(item.value);
        out_.uses_report_ids = true;
        break;
      case kReportCount:
        if (item.value > kMaxReportBits) {
          return fail(item.offset, fmt::format("Report Count {} too large", item.value));
        }
        g.report_count = item.value;
        break;
      default: break;  // designators, strings, delimiters, reserved: no bearing on fields
    }
    return Ok{};
  }

  // Firmware often encodes e.g. 0xFFFF in two bytes, which reads as -1: NUT then takes the
  // bytes unsigned. It compares with the Logical Minimum in force now, not at the Main item.
  void logical_maximum(const Item& item) {
    Globals& g = globals_;
    g.logical_maximum = signed_value(item);
    g.logical_maximum_reinterpreted = false;
    if (g.logical_maximum < g.logical_minimum) {
      out_.warnings.push_back(fmt::format(
          "LogMax is less than LogMin. Vendor HID report descriptor may be incorrect; "
          "interpreting LogMax {} as {} in ReportID: 0x{:02x}",
          g.logical_maximum, item.value, g.report_id));
      g.logical_maximum = item.value;
      g.logical_maximum_reinterpreted = true;
      logical_maximum_assumed_ = true;
    }
  }

  Status add_usage(Usage usage, const Item& item) {
    if (usages_.size() >= kMaxUsagesPerItem) return fail(item.offset, "too many usages");
    usages_.push_back(usage);
    return Ok{};
  }

  Status usage_range(const Item& item) {
    if (!usage_minimum_) return Ok{};  // a maximum without a minimum names nothing
    const Usage first = *usage_minimum_;
    // An extended maximum carries its page; a short one shares the minimum's page.
    const Usage last = item.size == 4 ? item.value : ((first & 0xFFFF0000u) | (item.value & 0xFFFF));
    usage_minimum_.reset();
    if (last < first) return fail(item.offset, "Usage Maximum below Usage Minimum");
    // Only as many usages as controls can be named; more would just cost memory.
    for (std::uint64_t u = first; u <= last; ++u) {
      if (usages_.size() >= kMaxUsagesPerItem) break;
      usages_.push_back(static_cast<Usage>(u));
    }
    return Ok{};
  }

  void reset_locals() {
    usages_.clear();
    usage_minimum_.reset();
  }

  Status collection(const Item& item) {
    if (collections_.size() >= kMaxCollectionDepth) {
      return fail(item.offset, "collections nested too deeply");
    }
    path_.push_back(usages_.empty() ? 0 : usages_.front());
    std::uint8_t nodes = 1;
    // NUT marks collections with a vendor-defined type (>= 0x80) by an index node.
    if ((item.value & 0xFF) >= 0x80) {
      path_.push_back(0x00FF0000u | (item.value & 0x7F));
      nodes = 2;
    }
    collections_.push_back(nodes);
    reset_locals();
    return Ok{};
  }

  Status end_collection(const Item& item) {
    if (collections_.empty()) return fail(item.offset, "End Collection without Collection");
    path_.resize(path_.size() - collections_.back());
    collections_.pop_back();
    reset_locals();
    return Ok{};
  }

  ReportLayout& layout(ReportType type, std::uint8_t id) {
    auto& slot = slots_[type_index(type) * 256 + id];
    if (slot < 0) {
      slot = static_cast<std::int16_t>(out_.reports.size());
      out_.reports.push_back(ReportLayout{type, id, 0});
    }
    return out_.reports[static_cast<std::size_t>(slot)];
  }

  Status main_item(const Item& item, ReportType type) {
    const Globals& g = globals_;
    ReportLayout& report = layout(type, g.report_id);
    const std::uint64_t bits = static_cast<std::uint64_t>(g.report_size) * g.report_count;
    if (report.bit_length + bits > kMaxReportBits) {
      return fail(item.offset, fmt::format("report 0x{:02x} longer than {} bits", g.report_id,
                                           kMaxReportBits));
    }
    // NUT names the i-th control by the i-th usage; controls past the usages are padding, so
    // the loop stops there (a Report Size 0 item cannot make it spin).
    const auto named = static_cast<std::uint32_t>(std::min<std::size_t>(g.report_count, usages_.size()));
    for (std::uint32_t i = 0; i < named; ++i) {
      const Usage usage = usages_[i];
      const std::uint32_t offset = report.bit_length + i * g.report_size;
      if (usage == 0) continue;
      if (out_.fields.size() >= kMaxFields) return fail(item.offset, "too many fields");
      Field& field = out_.fields.emplace_back();
      field.path.reserve(path_.size() + 1);
      field.path = path_;
      field.path.push_back(usage);
      field.type = type;
      field.report_id = g.report_id;
      field.bit_offset = offset;
      field.bit_size = g.report_size;
      field.logical_minimum = g.logical_minimum;
      field.logical_maximum = g.logical_maximum;
      field.physical_minimum = g.physical_minimum;
      field.physical_maximum = g.physical_maximum;
      field.has_physical_minimum = g.has_physical_minimum;
      field.has_physical_maximum = g.has_physical_maximum;
      field.unit = g.unit;
      field.unit_exponent = g.unit_exponent;
      field.flags = item.value;
      field.logical_maximum_reinterpreted = g.logical_maximum_reinterpreted;
      field.logical_maximum_assumed = logical_maximum_assumed_;
    }
    report.bit_length += static_cast<std::uint32_t>(bits);
    reset_locals();
    return Ok{};
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  Globals globals_;
  std::vector<Globals> stack_;
  std::vector<Usage> usages_;
  std::optional<Usage> usage_minimum_;
  UsagePath path_;
  std::vector<std::uint8_t> collections_;  // path nodes each open collection added
  std::array<std::int16_t, 3 * 256> slots_{};  // (type, id) -> index in out_.reports
  ReportDescriptor out_;
  // NUT 2.8.5's assumed_LogMax lives in the parser's running item (hidparser.c:422, commit
  // f3a9bcc6a) and is never cleared: every field after the first reinterpretation carries it.
  bool logical_maximum_assumed_ = false;
};

}  // namespace

const char* report_type_name(ReportType type) {
  switch (type) {
    case ReportType::kInput: return "Input";
    case ReportType::kOutput: return "Output";
    case ReportType::kFeature: return "Feature";
  }
  return "Unknown";
}

std::size_t ReportDescriptor::report_size(ReportType type, std::uint8_t report_id) const {
  for (const ReportLayout& report : reports) {
    if (report.type == type && report.report_id == report_id) return (report.bit_length + 7) / 8;
  }
  return 0;
}

std::size_t ReportDescriptor::buffer_size(std::uint8_t report_id) const {
  std::size_t size = 0;
  for (const ReportLayout& report : reports) {
    if (report.report_id == report_id) size = std::max<std::size_t>(size, (report.bit_length + 7) / 8);
  }
  return size + 1;
}

namespace {
template <typename Fields>
auto find_field(Fields& fields, const UsagePath& path, ReportType type) -> decltype(&fields[0]) {
  for (auto& field : fields) {
    if (field.type != type || field.path.size() < path.size()) continue;
    if (std::equal(path.begin(), path.end(), field.path.begin())) return &field;
  }
  return nullptr;
}
}  // namespace

const Field* ReportDescriptor::find(const UsagePath& path, ReportType type) const {
  if (path.empty()) return nullptr;
  return find_field(fields, path, type);
}

Field* ReportDescriptor::find(const UsagePath& path, ReportType type) {
  if (path.empty()) return nullptr;
  return find_field(fields, path, type);
}

Field* ReportDescriptor::find_by_id_and_usage(std::uint8_t report_id, Usage usage) {
  for (Field& field : fields) {
    if (field.report_id == report_id && !field.path.empty() && field.path.back() == usage) {
      return &field;
    }
  }
  return nullptr;
}

Result<ReportDescriptor> parse_report_descriptor(std::span<const std::uint8_t> bytes) {
  return Parser(bytes).run();
}

}  // namespace walnut::hid
