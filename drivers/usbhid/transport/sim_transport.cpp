// SimTransport: Transport calls forwarded to the SimDevice with the handle taken at open().
#include "drivers/usbhid/transport/sim_transport.h"

#include <utility>

#include "drivers/usbhid/transport/usb_match.h"

namespace walnut::usbhid {

SimTransport::SimTransport(std::shared_ptr<SimDevice> device) : device_(std::move(device)) {}

Status SimTransport::open(const MatchCriteria& criteria) {
  handle_.reset();
  auto matcher = DeviceMatcher::compile(criteria);
  if (!matcher) return Error{matcher.error()};
  auto handle = device_->attach();
  if (!handle) return Error{"No matching HID UPS found (simulated device unplugged)"};
  if (device_->busy()) {
    return Error{"Can't claim USB device: LIBUSB_ERROR_BUSY (held by another process: the "
                 "simulator's `usb busy`)"};
  }
  if (auto why = matcher->mismatch(device_->image().info)) {
    return Error{"No matching HID UPS found (simulated device: " + *why + ")"};
  }
  handle_ = *handle;
  return Ok{};
}

void SimTransport::close() { handle_.reset(); }

const DeviceInfo& SimTransport::info() const { return device_->image().info; }

Result<std::vector<std::uint8_t>> SimTransport::report_descriptor() {
  if (!handle_ || device_->attach() != handle_) return Error{"simulated device is gone"};
  return device_->image().report_descriptor;
}

Result<std::string> SimTransport::string_descriptor(int index) {
  if (index == 0) return std::string();
  if (!handle_ || device_->attach() != handle_) return Error{"simulated device is gone"};
  const auto& strings = device_->image().strings;
  auto found = strings.find(index);
  if (found == strings.end()) return Error{"no string descriptor " + std::to_string(index)};
  return found->second;
}

IoResult SimTransport::get_feature_report(std::uint8_t report_id, std::span<std::uint8_t> buffer) {
  if (!handle_) return {IoStatus::kDeviceGone, 0};
  return device_->get_feature_report(*handle_, report_id, buffer);
}

IoResult SimTransport::set_feature_report(std::uint8_t report_id,
                                          std::span<const std::uint8_t> data) {
  if (!handle_) return {IoStatus::kDeviceGone, 0};
  return device_->set_feature_report(*handle_, report_id, data);
}

IoResult SimTransport::read_interrupt(std::span<std::uint8_t> buffer,
                                      std::chrono::milliseconds timeout) {
  if (!handle_) return {IoStatus::kDeviceGone, 0};
  return device_->read_interrupt(*handle_, buffer, timeout);
}

}  // namespace walnut::usbhid
