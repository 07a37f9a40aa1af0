// The USB HID transport interface the driver talks to: one device, its descriptors and its
// reports. Backends: libusb-1.0 (port=auto), hidapi/hidraw (port=hidraw|/dev/hidrawN), sim.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace walnut::usbhid {

// What identifies a device, as NUT's matcher sees it (drivers/usb-common.h USBDevice_t).
struct DeviceInfo {
  std::uint16_t vendor_id = 0;
  std::uint16_t product_id = 0;
  std::uint16_t bcd_device = 0;
  std::string vendor;   // iManufacturer string ("" if none)
  std::string product;  // iProduct string
  std::string serial;   // iSerialNumber string
  std::string bus;      // "001" as NUT prints it
  std::string device;   // device number on the bus, "002"
  std::string bus_port; // port path, e.g. "1" or "1.4"
  std::string path;     // backend-specific (/dev/bus/usb/001/002, /dev/hidraw0, sim file)
};

// NUT's matching options (ups.conf vendorid, productid, vendor, product, serial, bus,
// device, busport): each is an extended regular expression matched case-insensitively
// against the whole field; an absent one matches anything.
struct MatchCriteria {
  std::optional<std::string> vendor_id;
  std::optional<std::string> product_id;
  std::optional<std::string> vendor;
  std::optional<std::string> product;
  std::optional<std::string> serial;
  std::optional<std::string> bus;
  std::optional<std::string> device;
  std::optional<std::string> bus_port;
};

// The USB knobs of NUT's nut_usb_addvars (drivers/libusb1.c:91-103), for the libusb transport
// (port=auto). Unset ones keep walnut's detection: the first HID interface, its interrupt IN
// endpoint (NUT assumes interface 0 and endpoint 0x81). Numbers are parsed as NUT parses them:
// hexadecimal (libusb1.c:254-283).
struct UsbTuning {
  std::optional<std::uint8_t> config_index;  // usb_config_index: configuration descriptor index
  std::optional<std::uint8_t> interface;     // usb_hid_rep_index: interface claimed, wIndex of requests
  std::optional<std::uint8_t> desc_index;    // usb_hid_desc_index: HID/report descriptor index
  std::optional<std::uint8_t> endpoint_in;   // usb_hid_ep_in: interrupt IN is 0x80 + this
  std::optional<std::uint8_t> endpoint_out;  // usb_hid_ep_out: validated; NUT's HID path never uses it
  std::optional<int> alt_setting;            // usb_set_altinterface=N: set after claiming
  bool allow_duplicates = false;             // allow_duplicates: a busy match -> try the next device
};

// What the subdriver that would claim a device sets of UsbTuning for it (interface, descriptor
// index, endpoints; NUT's claim functions write them before libusb1.c claims the interface).
// The libusb transport asks for each device that passes the match, before claiming; the
// user's own usb_hid_* options win over it.
using ClaimTuning = std::function<UsbTuning(const DeviceInfo& device)>;

// How an I/O call ended; the driver maps these to staleness and reconnects.
enum class IoStatus {
  kOk,
  kTimeout,     // nothing arrived in time (interrupt IN): not an error, no false status
  kStall,       // the device stalled the pipe (unsupported report): retry policy applies
  kDeviceGone,  // unplugged or reset: go stale, reconnect
  kIoError,     // anything else
};

struct IoResult {
  IoStatus status = IoStatus::kIoError;
  std::size_t size = 0;  // bytes transferred when status == kOk
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Opens the first device that matches, detaching any kernel driver and claiming the HID
  // interface. Returns an error saying why no device could be used.
  virtual Status open(const MatchCriteria& criteria) = 0;
  virtual void close() = 0;
  virtual bool is_open() const = 0;

  // REQUIRES: is_open()
  virtual const DeviceInfo& info() const = 0;
  virtual Result<std::vector<std::uint8_t>> report_descriptor() = 0;
  // USB string descriptor `index` as text ("" for index 0).
  virtual Result<std::string> string_descriptor(int index) = 0;

  // GET_REPORT (Feature). buffer[0] receives the report ID (for ID 0, the data starts at
  // buffer[0] as on the wire); returns the number of bytes read.
  virtual IoResult get_feature_report(std::uint8_t report_id, std::span<std::uint8_t> buffer) = 0;
  // SET_REPORT (Feature). data[0] is the report ID when report_id != 0.
  virtual IoResult set_feature_report(std::uint8_t report_id,
                                      std::span<const std::uint8_t> data) = 0;
  // Interrupt IN, waiting at most `timeout`. buffer[0] is the report ID when IDs are used.
  virtual IoResult read_interrupt(std::span<std::uint8_t> buffer,
                                  std::chrono::milliseconds timeout) = 0;
  // Whether wake_interrupt_read() cuts a read_interrupt() short. The driver loop reads such a
  // transport in one wait until its next poll, others in short slices (so that a queued
  // command waits at most one slice).
  virtual bool interrupt_read_wakeable() const { return false; }
  // Makes the read_interrupt() in progress, or else the next one, return kTimeout at once.
  // Callable from any thread, also while the transport is closed or being reopened.
  virtual void wake_interrupt_read() {}
};

}  // namespace walnut::usbhid
