// Claim and identity of the device model: the mapping applied to this device's descriptor
// (NUT 2.8.0 usbhid-ups.c callback(): fix_report_desc, the claim's hook, the hid_info_t paths
// resolved), and what usbhid-ups publishes about the device before the first walk:
// override.*/default.* (drivers/main.c storeval), then the subdriver's format_mfr/model/serial
// and the USB ids.
#include <fmt/format.h>
#include <strings.h>

#include "common/log.h"
#include "drivers/usbhid/hid/descriptor_fixes.h"
#include "drivers/usbhid/mapping/claim_hook.h"
#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/hid_ups_impl.h"

namespace walnut::mapping {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

void set_or_delete(UpsState& state, std::string_view name, const std::optional<std::string>& value) {
  if (value) state.set_info(name, *value);
  else state.del_info(name);
}

// apc_format_model: the product string (cut to NUT's 63 bytes) before " FW:"; what follows
// FW: is ups.firmware, cut before " USB FW:", whose tail is ups.firmware.aux.
std::string apc_model(const std::optional<std::string>& product, UpsState& state) {
  std::string model = product.value_or("unknown").substr(0, 63);
  std::size_t fw = model.find("FW:");
  if (fw == std::string::npos) return model;
  std::string firmware = model.substr(fw + 3);
  // NUT cuts at the byte before "FW:" (its space); at position 0 it would write before the buffer.
  model.resize(fw > 0 ? fw - 1 : 0);
  std::size_t usb = firmware.find("USB FW:");
  if (usb != std::string::npos) {
    state.set_info("ups.firmware.aux", firmware.substr(usb + 7));
    firmware.resize(usb > 0 ? usb - 1 : 0);
  }
  state.set_info("ups.firmware", firmware);
  return model;
}

}  // namespace

int HidUps::Impl::find_row(std::string_view name) const {
  for (std::size_t i = 0; i < mapping.entries.size(); ++i) {
    if (active[i] != nullptr && iequals(mapping.entries[i].name, name)) return static_cast<int>(i);
  }
  return -1;
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
  // The claim's hook, as NUT runs it when the subdriver claims the device (its notices were
  // logged then, by select_subdriver()).
  const ClaimQuirks quirks = claim_quirks(mapping, identity);
  impl->battery_scale.might_need = quirks.battery_scale_check;
  impl->cps_frequency.might_need = quirks.battery_scale_check;
  impl->scales = quirks.scales;
  if (quirks.max_report_size) options.max_report_size = true;
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
  // A converter's own report (PowerCOM's 0xa4) is cached like the descriptor's, at the length
  // the converter reads when the descriptor does not declare it.
  for (const Entry& entry : mapping.entries) {
    const Lookup* lookup = mapping.lookup_of(entry);
    if (lookup == nullptr || lookup->converter == nullptr || lookup->converter->own_report == 0) continue;
    ReportBuffer& buffer = impl->reports[lookup->converter->own_report];
    if (!buffer.bytes.empty()) continue;
    buffer.bytes.assign(lookup->converter->own_report_length, 0);
    buffer.bytes[0] = lookup->converter->own_report;
  }
  impl->report_bytes = [reports = &impl->reports](std::uint8_t id) -> std::span<const std::uint8_t> {
    auto found = reports->find(id);
    return found == reports->end() ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(found->second.bytes);
  };
  impl->mapping = std::move(mapping);
  impl->identity = std::move(identity);
  impl->options = std::move(options);
  impl->strings = std::move(strings);
  return std::unique_ptr<HidUps>(new HidUps(std::move(impl)));
}

const Mapping& HidUps::mapping() const { return impl_->mapping; }

void HidUps::publish_identity(UpsState& state) const {
  const Impl& m = *impl_;
  for (const auto& [name, value] : m.options.overrides) {
    state.set_info(name, value);
    state.set_flags(name, kFlagImmutable);
  }
  for (const auto& [name, value] : m.options.defaults) state.set_info(name, value);

  const DeviceIdentity& id = m.identity;
  std::optional<std::string> mfr = id.vendor;
  if (!mfr && m.mapping.mfr_format.rfind("vendor_or:", 0) == 0) mfr = m.mapping.mfr_format.substr(10);
  if (m.mapping.mfr_format.rfind("vendor_trim_or:", 0) == 0) {
    // belkin_format_mfr (belkin-hid.c:606): leading spaces cut; nothing left is the default.
    std::string text = mfr.value_or("");
    text.erase(0, text.find_first_not_of(' ') == std::string::npos ? text.size() : text.find_first_not_of(' '));
    mfr = text.empty() ? m.mapping.mfr_format.substr(15) : text;
  }
  std::optional<std::string> model = id.product;
  if (m.mapping.model_format == "apc_product") model = apc_model(id.product, state);
  if (m.mapping.model_format == "product_or_unknown" && (!model || model->empty())) model = "unknown";  // belkin-hid.c:598
  set_or_delete(state, "ups.mfr", mfr);
  set_or_delete(state, "ups.model", model);
  set_or_delete(state, "ups.serial", id.serial);
  state.set_info("ups.vendorid", fmt::format("{:04x}", id.vendor_id));
  state.set_info("ups.productid", fmt::format("{:04x}", id.product_id));
}

}  // namespace walnut::mapping
