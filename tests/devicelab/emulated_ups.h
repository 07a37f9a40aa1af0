// The device lab's USB HID UPS: what the device is (ids, strings, report descriptor, reports) and
// how it answers control requests, feature reports and the interrupt pipe. Thread-safe, no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace walnut::devicelab {

using Bytes = std::vector<std::uint8_t>;

// Everything the device says, as plain data (built from a capture by capture_device.h).
struct UpsImage {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::uint16_t bcd_device = 0x0100;
  // String descriptors by index; 1, 2, 3 are manufacturer, product, serial when present.
  std::map<int, std::string> strings;
  Bytes report_descriptor;
  // Feature reports by report ID, ID byte first: what GET_REPORT(Feature) answers. An ID not
  // here is stalled, like a device that does not know the report.
  std::map<std::uint8_t, Bytes> feature_reports;
  // Interrupt-IN reports queued when the device is first plugged in, ID byte first.
  std::vector<Bytes> interrupts;

  // Quirks of real devices, off by default. A report descriptor length in the HID descriptor
  // returned by GET_DESCRIPTOR(HID) that differs from the one in the configuration descriptor
  // (Tripp Lite Smart1000LCD misreports it); and a device that sends fewer report descriptor
  // bytes than it announced.
  std::optional<std::uint16_t> hid_descriptor_length_on_request;
  std::optional<std::size_t> report_descriptor_bytes_sent;

  // Interfaces in front of the UPS's HID interface, by class (an Arduino Leonardo's USB serial
  // port: 0x02, 0x0a; another HID function: 0x03), without endpoints. The UPS's HID is then
  // interface number leading_interfaces.size(), and it answers HID requests only on that wIndex.
  std::vector<std::uint8_t> leading_interfaces;
  std::uint8_t interrupt_endpoint = 0x81;  // its interrupt IN endpoint (Arduino: 0x84)
  std::uint8_t hid_interface() const { return static_cast<std::uint8_t>(leading_interfaces.size()); }
};

// One USB setup packet (USB 2.0 section 9.3).
struct SetupPacket {
  std::uint8_t request_type = 0;
  std::uint8_t request = 0;
  std::uint16_t value = 0;
  std::uint16_t index = 0;
  std::uint16_t length = 0;

  static SetupPacket parse(std::span<const std::uint8_t, 8> bytes);
};

// A slow or busy bus (NUT #661, #3576, #1853): class requests answered late, some never.
struct SlowBus {
  std::chrono::milliseconds delay{0};  // every GET_REPORT/SET_REPORT answered this late
  int timeout_every = 0;               // every n-th is not answered at all (0: none)
  // hidraw has no URB to cancel: there the unanswered request fails with ETIMEDOUT after this
  // long (the kernel's usbhid control timeout, 5 s, scaled down).
  std::chrono::milliseconds hidraw_timeout{1500};
};

// What reached the host, when: the device lab's record for freshness figures (scripts/bench).
struct TimelineEvent {
  enum Kind : char {
    kGetReport = 'g',       // a GET_REPORT (usbfs or hidraw) answered with report `report_id`
    kInterrupt = 'i',       // interrupt-IN report `report_id` handed to the host
    kListenStart = 'l',     // the host posted an interrupt-IN transfer that waits for a report
    kListenEnd = 'e',       // ... and that wait ended (report, cancel, unplug)
    kControl = 'c',         // any other control transfer
  };
  std::chrono::steady_clock::time_point time;
  Kind kind = kControl;
  std::uint8_t report_id = 0;
};

// How the device answered a control transfer: data for an IN transfer (at most wLength bytes),
// or a STALL (the request is not supported).
struct ControlReply {
  bool stall = false;
  Bytes data;
  // A transfer error instead of an answer: the URB completes with -error (EPROTO: the
  // controller saw a bus error; libusb-1.0 reports LIBUSB_ERROR_IO).
  int error = 0;
};

class EmulatedUps {
 public:
  explicit EmulatedUps(UpsImage image);

  EmulatedUps(const EmulatedUps&) = delete;
  EmulatedUps& operator=(const EmulatedUps&) = delete;

  const UpsImage& image() const { return image_; }

  // The descriptors a host reads from sysfs and from the device: an 18-byte device descriptor
  // and one configuration: the leading interfaces, then the HID interface (HID class descriptor
  // carrying the report descriptor length) with one interrupt IN endpoint (0x81 by default).
  Bytes device_descriptor() const;
  Bytes config_descriptor() const;

  // --- The host side (the umockdev handlers call these). ---
  ControlReply control(const SetupPacket& setup, std::span<const std::uint8_t> out_data);
  // Feature GET/SET as hidraw does them: `report` starts with the report ID.
  std::optional<Bytes> get_feature(std::uint8_t report_id);
  void set_feature(std::span<const std::uint8_t> report);
  // The next interrupt-IN report, if the device has one to send.
  std::optional<Bytes> take_interrupt();
  bool has_interrupt() const;

  // --- The test side. ---
  void queue_interrupt(Bytes report);
  // Replaces feature report `report[0]`.
  void put_feature(Bytes report);
  std::optional<Bytes> feature(std::uint8_t report_id) const;
  // Every SET_REPORT (Feature) the host sent, report ID byte first, in order.
  std::vector<Bytes> set_reports() const;
  // Every setup packet the host sent, in order.
  std::vector<SetupPacket> control_log() const;
  // Every transfer answered, in order, with its time (see TimelineEvent).
  std::vector<TimelineEvent> timeline() const;
  // The usbfs handler's interrupt-IN transfer started or stopped waiting for a report.
  void note_listening(bool listening);
  // How many GET_REPORT requests asked for this report ID.
  int get_report_count(std::uint8_t report_id) const;
  // A device that errs for a while (after a power event, on a bad hub): the next `count`
  // class requests (GET_REPORT/SET_REPORT) fail with transfer error `error`.
  void fail_class_requests(int count, int error);
  // The same for every class request during the next `period` (a UPS still coming up).
  void fail_class_requests_for(std::chrono::milliseconds period, int error);
  // Slow USB from now on (SlowBus{} ends it).
  void set_slow_bus(SlowBus bus);
  // For the handlers, once per class request: how late to answer it, nullopt for never
  // (usbfs: until the host cancels the URB; hidraw: fail with ETIMEDOUT after hidraw_timeout).
  std::optional<std::chrono::milliseconds> class_request_delay();
  SlowBus slow_bus() const;
  // How many class requests the slow bus has left unanswered so far.
  int unanswered_requests() const;
  // How many class requests have failed so far.
  int failed_requests() const;
  // For the hidraw handler, whose feature requests bypass control(): the errno the next request
  // fails with (consuming it), or 0.
  int take_failure();

 private:
  ControlReply standard_request(const SetupPacket& setup) const;  // REQUIRES: mutex_ held
  ControlReply class_request(const SetupPacket& setup, std::span<const std::uint8_t> out_data);
  Bytes string_descriptor(std::uint8_t index) const;
  Bytes hid_descriptor(std::uint16_t report_length) const;
  int next_failure();  // REQUIRES: mutex_ held
  void record(TimelineEvent::Kind kind, std::uint8_t report_id = 0);  // REQUIRES: mutex_ held

  const UpsImage image_;
  mutable std::mutex mutex_;
  std::map<std::uint8_t, Bytes> features_;
  std::deque<Bytes> interrupt_queue_;
  std::vector<Bytes> set_reports_;
  std::vector<SetupPacket> control_log_;
  std::map<std::uint8_t, int> get_report_counts_;
  std::vector<TimelineEvent> timeline_;
  bool listening_ = false;
  int failing_class_requests_ = 0;
  std::chrono::steady_clock::time_point failing_until_{};
  int failure_error_ = 0;
  int failed_requests_ = 0;
  SlowBus slow_bus_;
  int slow_requests_ = 0;
  int unanswered_requests_ = 0;
};

}  // namespace walnut::devicelab
