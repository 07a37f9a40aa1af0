// Capturing and exploring an opened device.
#include "drivers/usbhid/device_capture.h"

#include <set>

#include "drivers/usbhid/hid/explore.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {
namespace {
std::optional<std::string> non_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
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
  return capture;
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
