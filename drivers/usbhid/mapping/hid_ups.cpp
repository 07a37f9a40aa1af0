// The device model: NUT 2.8.0's hid_ups_walk, interrupt routing and status commit over cached
// report bytes (usbhid-ups.c), with the mapping's rows in place of hid_info_t.
#include "drivers/usbhid/mapping/hid_ups.h"

#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "common/log.h"
#include "drivers/usbhid/hid/codec.h"
#include "drivers/usbhid/hid/descriptor_fixes.h"
#include "drivers/usbhid/mapping/hid_ups_impl.h"

namespace walnut::mapping {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

constexpr std::size_t kMaxEvents = 32;  // NUT's MAX_EVENT_NUM

}  // namespace

int HidUps::Impl::find_row(std::string_view name) const {
  for (std::size_t i = 0; i < mapping.entries.size(); ++i) {
    if (active[i] != nullptr && iequals(mapping.entries[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

std::optional<double> HidUps::Impl::read(const hid::Field& field) const {
  auto report = reports.find(field.report_id);
  if (report == reports.end() || !report->second.readable) return std::nullopt;
  return hid::extract_value(report->second.bytes, field);
}

ConverterContext HidUps::Impl::context(const UpsState& state) {
  ConverterContext c;
  c.strings = &strings;
  c.state = &state;
  c.battery_scale = &battery_scale;
  c.scales = &scales;
  c.mge = &mge;
  return c;
}

int HidUps::Impl::set_value(std::size_t row, double value, UpsState& state) {
  const Entry& entry = mapping.entries[row];
  if (const Lookup* lookup = mapping.lookup_of(entry)) {
    ConverterContext c = context(state);
    std::optional<std::string> text = lookup_to_nut(*lookup, value, c);
    if (!text) {
      log::debug(5, "Lookup [{}] failed for [{}]", value, entry.name);
      return -1;
    }
    if (entry.kind == EntryKind::kStatus) {
      bits.apply(*text);
      return 0;
    }
    if (entry.kind == EntryKind::kAlarm) {
      alarms.push_back(*text);
      return 0;
    }
    state.set_info(entry.name, *text);
    return 1;
  }
  if (is_numeric_format(entry.format)) {
    state.set_info(entry.name, format_number(entry.format, value));
  } else if (entry.format.find('%') == std::string::npos) {
    // A command row reached through an interrupt: NUT prints its value "format" as is.
    state.set_info(entry.name, entry.format);
  } else {
    return -1;
  }
  return 1;
}

std::optional<ReportWrite> HidUps::Impl::write(const hid::Field& field, double value) {
  ReportBuffer& report = reports[field.report_id];
  std::size_t size = descriptor.buffer_size(field.report_id);
  if (report.bytes.size() < size) report.bytes.resize(size, 0);
  if (!hid::insert_value(report.bytes, field, value).ok()) return std::nullopt;
  return ReportWrite{field.report_id, report.bytes, std::chrono::milliseconds(0), false};
}

HidUps::HidUps(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HidUps::~HidUps() = default;

Result<std::unique_ptr<HidUps>> HidUps::create(const hid::ReportDescriptor& descriptor, Mapping mapping,
                                               DeviceIdentity identity, ModelOptions options,
                                               StringLookup strings) {
  auto impl = std::make_unique<Impl>();
  impl->usage_table = hid::UsageTable::find(mapping.usage_table);
  if (impl->usage_table == nullptr) {
    return Error{fmt::format("mapping {}: unknown usage table \"{}\"", mapping.name, mapping.usage_table)};
  }
  impl->descriptor = descriptor;
  if (!mapping.fix_report_descriptor.empty() && !options.disable_fix_report_desc) {
    if (hid::apply_descriptor_fixes(impl->descriptor, mapping.fix_report_descriptor, identity.vendor_id,
                                    identity.product_id)) {
      log::debug(2, "Report Descriptor Fixed");
    }
  }
  // NUT keeps Offset and Size in uint8_t: fields past bit 255 of a report wrap, for reading
  // and for writing.
  for (hid::Field& field : impl->descriptor.fields) {
    field.bit_offset &= 0xFF;
    field.bit_size &= 0xFF;
  }
  for (const Claim& claim : mapping.claims) {
    if (claim.vendor_id == identity.vendor_id && claim.product_id == identity.product_id &&
        claim.hook == "cps_battery_scale") {
      impl->battery_scale.might_need = true;
    }
    if (claim.vendor_id == identity.vendor_id && claim.product_id == identity.product_id) {
      apply_scale_hook(claim.hook, impl->scales);
    }
  }
  impl->skip_report_0x54 = identity.vendor_id == 0x09ae && identity.product_id == 0x1330;
  const hid::ReportType type = options.interruptonly ? hid::ReportType::kInput : hid::ReportType::kFeature;
  for (const Entry& entry : mapping.entries) {
    const hid::Field* field = nullptr;
    // NUT skips a path token it cannot read; a row we cannot read is simply absent.
    if (auto path = impl->usage_table->string_to_path(entry.path); path.ok()) {
      field = impl->descriptor.find(*path, type);
    }
    impl->resolved.push_back(field);
  }
  impl->active.assign(mapping.entries.size(), nullptr);
  for (const hid::Field& field : impl->descriptor.fields) {
    ReportBuffer& buffer = impl->reports[field.report_id];
    buffer.bytes.assign(impl->descriptor.buffer_size(field.report_id), 0);
    buffer.bytes[0] = field.report_id;
  }
  impl->mapping = std::move(mapping);
  impl->identity = std::move(identity);
  impl->options = std::move(options);
  impl->strings = std::move(strings);
  return std::unique_ptr<HidUps>(new HidUps(std::move(impl)));
}

const Mapping& HidUps::mapping() const { return impl_->mapping; }

std::vector<std::uint8_t> HidUps::reports_for_walk(WalkMode mode) const {
  const Impl& m = *impl_;
  std::set<std::uint8_t> ids;
  if (m.options.interruptonly) return {};
  for (std::size_t i = 0; i < m.mapping.entries.size(); ++i) {
    const unsigned flags = m.mapping.entries[i].hid_flags;
    const hid::Field* field = mode == WalkMode::kInit ? m.resolved[i] : m.active[i];
    if (field == nullptr || (flags & kHidAbsent)) continue;
    if (mode == WalkMode::kQuick && !(flags & kHidQuickPoll)) continue;
    if (mode == WalkMode::kFull) {
      if (flags & (kHidCommand | kHidStatic)) continue;
      if ((flags & kHidSemiStatic) && !m.data_has_changed) continue;
    }
    if (m.skip_report_0x54 && field->report_id == 0x54) continue;
    ids.insert(field->report_id);
  }
  return {ids.begin(), ids.end()};
}

std::size_t HidUps::report_length(std::uint8_t report_id) const {
  return impl_->descriptor.buffer_size(report_id);
}

void HidUps::on_report(std::uint8_t report_id, std::span<const std::uint8_t> bytes) {
  auto found = impl_->reports.find(report_id);
  if (found == impl_->reports.end()) return;
  ReportBuffer& buffer = found->second;
  std::copy_n(bytes.begin(), std::min(bytes.size(), buffer.bytes.size()), buffer.bytes.begin());
  buffer.readable = !bytes.empty();
}

void HidUps::on_report_failed(std::uint8_t report_id) {
  auto found = impl_->reports.find(report_id);
  if (found != impl_->reports.end()) found->second.readable = false;
}

void HidUps::on_interrupt(std::span<const std::uint8_t> bytes, UpsState& state) {
  Impl& m = *impl_;
  if (bytes.empty()) return;
  const std::uint8_t id = bytes[0];
  if (m.reports.find(id) == m.reports.end()) {
    log::debug(1, "HIDGetEvents: unexpected input report (ignored)");
    return;
  }
  on_report(id, bytes);
  std::size_t events = 0;
  for (const hid::Field& event : m.descriptor.fields) {
    if (event.report_id != id || event.type != hid::ReportType::kInput) continue;
    if (events++ >= kMaxEvents) break;
    std::optional<double> value = m.read(event);
    if (!value) continue;
    // The row that reads this usage: mapped on the Feature item (or the Input one when the
    // device has no Feature twin, or with interruptonly).
    const hid::Field* found =
        m.descriptor.find(event.path, m.options.interruptonly ? hid::ReportType::kInput : hid::ReportType::kFeature);
    if (found == nullptr && !m.options.interruptonly) found = m.descriptor.find(event.path, hid::ReportType::kInput);
    if (found == nullptr) continue;
    for (std::size_t i = 0; i < m.mapping.entries.size(); ++i) {
      if ((m.mapping.entries[i].hid_flags & kHidAbsent) || m.active[i] != found) continue;
      m.set_value(i, *value, state);
      break;
    }
  }
}

}  // namespace walnut::mapping
