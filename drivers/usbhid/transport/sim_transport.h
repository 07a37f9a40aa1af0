// The sim transport (port=sim:FILE): the host's view of a SimDevice, implementing Transport
// the way a USB backend does (open fails while unplugged, a replug invalidates the handle).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "drivers/usbhid/transport/sim_device.h"
#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {

class SimTransport : public Transport {
 public:
  explicit SimTransport(std::shared_ptr<SimDevice> device);

  Status open(const MatchCriteria& criteria) override;
  void close() override;
  bool is_open() const override { return handle_.has_value(); }

  const DeviceInfo& info() const override;
  Result<std::vector<std::uint8_t>> report_descriptor() override;
  Result<std::string> string_descriptor(int index) override;

  IoResult get_feature_report(std::uint8_t report_id, std::span<std::uint8_t> buffer) override;
  IoResult set_feature_report(std::uint8_t report_id,
                              std::span<const std::uint8_t> data) override;
  IoResult read_interrupt(std::span<std::uint8_t> buffer,
                          std::chrono::milliseconds timeout) override;
  bool interrupt_read_wakeable() const override { return true; }
  void wake_interrupt_read() override { device_->wake_host_read(); }

  // The simulated device, for whoever controls it (signals, tests, a physical model).
  const std::shared_ptr<SimDevice>& device() const { return device_; }

 private:
  std::shared_ptr<SimDevice> device_;
  std::optional<std::uint64_t> handle_;
};

}  // namespace walnut::usbhid
