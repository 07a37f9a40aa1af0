// What usbhid-ups publishes about the device before the first walk: override.*/default.*
// (drivers/main.c storeval), then the subdriver's format_mfr/model/serial and the USB ids.
#include <fmt/format.h>

#include "drivers/usbhid/mapping/hid_ups.h"
#include "drivers/usbhid/mapping/hid_ups_impl.h"

namespace walnut::mapping {
namespace {

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
  std::optional<std::string> model = id.product;
  if (m.mapping.model_format == "apc_product") model = apc_model(id.product, state);
  set_or_delete(state, "ups.mfr", mfr);
  set_or_delete(state, "ups.model", model);
  set_or_delete(state, "ups.serial", id.serial);
  state.set_info("ups.vendorid", fmt::format("{:04x}", id.vendor_id));
  state.set_info("ups.productid", fmt::format("{:04x}", id.product_id));
}

}  // namespace walnut::mapping
