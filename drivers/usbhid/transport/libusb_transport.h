// The libusb-1.0 transport (port = auto): finds the UPS among all USB devices like NUT's
// drivers/libusb1.c, claims its HID interface and talks to it over the control and interrupt pipes.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "drivers/usbhid/transport/transport.h"

struct libusb_context;
struct libusb_device_handle;

namespace walnut::usbhid {

class LibusbTransport final : public Transport {
 public:
  explicit LibusbTransport(UsbTuning tuning = {}, ClaimTuning claim = {})
      : tuning_(std::move(tuning)), claim_(std::move(claim)) {}
  ~LibusbTransport() override;
  LibusbTransport(const LibusbTransport&) = delete;
  LibusbTransport& operator=(const LibusbTransport&) = delete;

  // Walks libusb's device list in order; for each device reads its strings, applies `criteria`,
  // detaches the kernel driver, claims the HID interface and fetches the report descriptor. The
  // first device that gets that far is kept. A device that matches but cannot be claimed is an
  // error (as in NUT, which exits there); one whose descriptor cannot be read is skipped.
  // Each open() starts a fresh libusb context, so a replugged device is found again.
  Status open(const MatchCriteria& criteria) override;
  // Releases nothing on the device (NUT: releasing can hang on some hubs); closes the handle.
  void close() override;
  bool is_open() const override { return handle_ != nullptr; }

  const DeviceInfo& info() const override { return info_; }
  // The descriptor read during open().
  Result<std::vector<std::uint8_t>> report_descriptor() override;
  Result<std::string> string_descriptor(int index) override;

  IoResult get_feature_report(std::uint8_t report_id, std::span<std::uint8_t> buffer) override;
  IoResult set_feature_report(std::uint8_t report_id,
                              std::span<const std::uint8_t> data) override;
  IoResult read_interrupt(std::span<std::uint8_t> buffer,
                          std::chrono::milliseconds timeout) override;
  bool interrupt_read_wakeable() const override { return true; }
  void wake_interrupt_read() override;

  // "libusb-1.0.26 (API: 0x1000109)", as NUT publishes driver.version.usb.
  static std::string version_string();

 private:
  Status open_in_context(const MatchCriteria& criteria);

  UsbTuning tuning_;
  ClaimTuning claim_;
  libusb_context* context_ = nullptr;  // written under context_mutex_ (wake_interrupt_read reads it)
  std::mutex context_mutex_;
  std::atomic<bool> wake_pending_{false};
  libusb_device_handle* handle_ = nullptr;
  DeviceInfo info_;
  std::vector<std::uint8_t> report_descriptor_;
  int interface_number_ = 0;
  std::uint8_t interrupt_endpoint_ = 0x81;
};

// The pure decisions of the open sequence, exposed for tests.
namespace libusb_detail {

// The report descriptor length from a HID class descriptor (bDescriptorType 0x21, wDescriptorLength
// at bytes 7-8), or nothing if `hid_descriptor` is too short or not a HID descriptor.
std::optional<std::uint16_t> report_length_from_hid_descriptor(
    std::span<const std::uint8_t> hid_descriptor);

// Searches an interface descriptor's extra bytes for the HID class descriptor ("method 2").
std::optional<std::uint16_t> report_length_from_interface_extra(
    std::span<const std::uint8_t> extra);

// NUT's choice between the length from GET_DESCRIPTOR(HID) ("method 1") and from the interface
// extra bytes ("method 2"): method 2 when known (some devices, e.g. Tripp Lite Smart1000LCD,
// misreport method 1), except Eaton 0463 with bcdDevice 0x0202, which needs method 1.
std::optional<std::uint16_t> choose_report_length(std::optional<std::uint16_t> method1,
                                                  std::optional<std::uint16_t> method2,
                                                  std::uint16_t vendor_id,
                                                  std::uint16_t bcd_device);

// The HID descriptor index NUT asks for: 1 on Eaton 0463 bcdDevice 0x0202, else 0.
std::uint8_t hid_descriptor_index(std::uint16_t vendor_id, std::uint16_t bcd_device);

// How a libusb error code reads to the driver.
IoStatus io_status_of(int libusb_error);

// One control transfer's setup stage, as the transport sends it.
struct ControlSetup {
  std::uint8_t request_type = 0;
  std::uint8_t request = 0;
  std::uint16_t value = 0;
  std::uint16_t index = 0;
  std::uint16_t length = 0;
  bool operator==(const ControlSetup&) const = default;
};

// GET_REPORT(Feature) of `report_id` on `interface` asking `length` bytes (libusb1.c:995).
ControlSetup get_feature_report_setup(std::uint8_t report_id, int interface, std::size_t length);
// SET_REPORT(Feature) (libusb1.c:1045).
ControlSetup set_feature_report_setup(std::uint8_t report_id, int interface, std::size_t length);
// GET_DESCRIPTOR of the HID (0x21) or report (0x22) descriptor `index` on `interface`
// (libusb1.c:644, 762): usb_hid_desc_index is the index, usb_hid_rep_index the interface.
ControlSetup descriptor_setup(std::uint8_t type, std::uint8_t index, int interface,
                              std::uint16_t length);

// The HID descriptor index: usb_hid_desc_index when given, else NUT's default (1 on Eaton
// 0463 bcdDevice 0x0202, else 0; libusb1.c:474).
std::uint8_t descriptor_index(const UsbTuning& tuning, std::uint16_t vendor_id,
                              std::uint16_t bcd_device);
// The interrupt IN endpoint: 0x80 + usb_hid_ep_in when given (libusb1.c:1137), else the
// endpoint the interface descriptor declares.
std::uint8_t interrupt_endpoint(const UsbTuning& tuning, std::uint8_t detected);
// The tuning for one device: the user's options, with the claiming subdriver's interface,
// descriptor index and endpoints where the user set none (NUT's `if (!getval("usb_hid_ep_in"))`
// in the claim functions).
UsbTuning with_claim_defaults(const UsbTuning& user, const UsbTuning& claim);
// Whether a claim that failed with `libusb_error` means "try the next matching device"
// (allow_duplicates and LIBUSB_ERROR_BUSY, libusb1.c:560) rather than NUT's fatal error.
bool try_next_device_after_claim(const UsbTuning& tuning, int libusb_error);

}  // namespace libusb_detail

}  // namespace walnut::usbhid
