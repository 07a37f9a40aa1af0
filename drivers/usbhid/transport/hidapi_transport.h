// The hidapi transport (port = hidraw, or a /dev/hidrawN path): the UPS through Linux hidraw
// and hidapi-hidraw, for systems where the usbhid kernel driver must stay bound.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {
struct HidapiLibrary;
}

typedef struct hid_device_ hid_device;

namespace walnut::usbhid {

class HidapiTransport final : public Transport {
 public:
  // `port` is "hidraw" or "" (every hidraw node is a candidate, Power Device and Battery System
  // usage pages first) or one node's path ("/dev/hidraw3", the only candidate).
  explicit HidapiTransport(std::string port);
  ~HidapiTransport() override;
  HidapiTransport(const HidapiTransport&) = delete;
  HidapiTransport& operator=(const HidapiTransport&) = delete;

  // Opens the first USB hidraw device that matches `criteria` (strings from sysfs, bus and
  // device numbers from the parent USB device) and reads its report descriptor (HIDIOCGRDESC;
  // hidapi 0.13 has no call for it). The kernel driver stays bound: nothing to detach or claim.
  Status open(const MatchCriteria& criteria) override;
  void close() override;
  bool is_open() const override { return device_ != nullptr; }

  const DeviceInfo& info() const override { return info_; }
  Result<std::vector<std::uint8_t>> report_descriptor() override;
  // hidraw cannot issue GET_DESCRIPTOR: only the device's manufacturer, product and serial
  // strings are known (from sysfs, at the indexes the device descriptor gives them).
  Result<std::string> string_descriptor(int index) override;

  IoResult get_feature_report(std::uint8_t report_id, std::span<std::uint8_t> buffer) override;
  IoResult set_feature_report(std::uint8_t report_id,
                              std::span<const std::uint8_t> data) override;
  IoResult read_interrupt(std::span<std::uint8_t> buffer,
                          std::chrono::milliseconds timeout) override;

 private:
  // After a failed call: kDeviceGone if the node left sysfs or errno says so, else from errno.
  IoStatus failure_status(int error) const;

  std::string port_;
  const HidapiLibrary* hid_ = nullptr;  // loaded by the first open() (hidapi_library.h)
  hid_device* device_ = nullptr;
  DeviceInfo info_;
  std::vector<std::uint8_t> report_descriptor_;
  std::map<int, std::string> strings_;
};

namespace hidapi_detail {

// "hidraw3" for "/dev/hidraw3"; "" if `path` is not a hidraw node path.
std::string hidraw_name(std::string_view path);

// NUT's busport for a sysfs devpath ("1" -> "001", "1.4" -> "004": the port on the last hub).
std::string bus_port_from_devpath(std::string_view devpath);

// How an errno from a hidraw call reads to the driver (before the sysfs check).
IoStatus io_status_of_errno(int error);

// How a failed hid_read_timeout() reads, given errno cleared before the call. hidraw's read()
// fails with EIO only once the device is gone, and hidapi returns -1 without touching errno when
// poll() reports a hang-up; the kernel wakes readers before it removes the sysfs node, so the
// sysfs check alone would call an unplug a plain I/O error.
IoStatus read_status_of_errno(int error);

}  // namespace hidapi_detail

}  // namespace walnut::usbhid
