// The libusb-1.0 transport: NUT's libusb1.c open sequence and transfers, errors as IoStatus.

#include "drivers/usbhid/transport/libusb_transport.h"

#include <libusb.h>

#include <algorithm>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "common/log.h"
#include "drivers/usbhid/transport/device_holder.h"
#include "drivers/usbhid/transport/usb_match.h"

namespace walnut::usbhid {

namespace {

constexpr unsigned kControlTimeoutMs = 5000;  // NUT's USB_TIMEOUT
constexpr int kStringAttempts = 3;            // NUT's MAX_RETRY
constexpr int kClaimAttempts = 3;
constexpr std::uint8_t kHidDescriptorType = 0x21;
constexpr std::uint8_t kReportDescriptorType = 0x22;
constexpr std::uint8_t kGetReport = 0x01;
constexpr std::uint8_t kSetReport = 0x09;
constexpr std::uint16_t kFeatureReport = 0x0300;
// bmRequestType: direction | type | recipient (libusb's enums can't be OR-ed in C++20).
constexpr std::uint8_t kStandardInterfaceIn = 0x81;
constexpr std::uint8_t kClassInterfaceIn = 0xa1;
constexpr std::uint8_t kClassInterfaceOut = 0x21;

const char* error_name(int code) { return libusb_error_name(code); }

struct ConfigDeleter {
  void operator()(libusb_config_descriptor* config) const { libusb_free_config_descriptor(config); }
};
using ConfigPtr = std::unique_ptr<libusb_config_descriptor, ConfigDeleter>;

struct DeviceListDeleter {
  void operator()(libusb_device** list) const { libusb_free_device_list(list, 1); }
};

// NUT retries each identification string a few times: some UPSes answer the first request
// for a string with garbage or a stall while they wake up.
std::string read_string(libusb_device_handle* handle, std::uint8_t index) {
  if (index == 0) return {};
  unsigned char text[256];
  for (int attempt = 0; attempt < kStringAttempts; ++attempt) {
    const int rc = libusb_get_string_descriptor_ascii(handle, index, text, sizeof text);
    if (rc > 0) return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(rc));
    log::debug(1, "get string {} failed ({}), {}", index, error_name(rc),
               attempt + 1 < kStringAttempts ? "retrying..." : "giving up");
    if (rc == LIBUSB_ERROR_NO_DEVICE) break;
  }
  return {};
}

DeviceInfo identify(libusb_device* device, libusb_device_handle* handle,
                    const libusb_device_descriptor& descriptor) {
  DeviceInfo info;
  info.vendor_id = descriptor.idVendor;
  info.product_id = descriptor.idProduct;
  info.bcd_device = descriptor.bcdDevice;
  info.vendor = read_string(handle, descriptor.iManufacturer);
  info.product = read_string(handle, descriptor.iProduct);
  info.serial = read_string(handle, descriptor.iSerialNumber);
  const int bus = libusb_get_bus_number(device);
  const int address = libusb_get_device_address(device);
  info.bus = fmt::format("{:03d}", bus);
  info.device = fmt::format("{:03d}", address);
  // NUT 2.8.1+ formats busport as the device's port number on its hub, "%03d".
  const int port = libusb_get_port_number(device);
  if (port > 0) info.bus_port = fmt::format("{:03d}", port);
  info.path = fmt::format("/dev/bus/usb/{:03d}/{:03d}", bus, address);
  return info;
}

struct HidInterface {
  int number = 0;
  std::uint8_t interrupt_endpoint = 0x81;
  std::optional<std::uint16_t> report_length_from_extra;
};

// The first HID-class interface of the configuration (NUT assumes interface 0; UPSes with a
// second, non-HID interface exist), or interface `wanted` (usb_hid_rep_index), its interrupt
// IN endpoint and its HID class descriptor.
HidInterface find_hid_interface(const libusb_config_descriptor* config, std::optional<int> wanted) {
  HidInterface found;
  if (wanted) found.number = *wanted;
  if (config == nullptr) return found;
  for (int i = 0; i < config->bNumInterfaces; ++i) {
    const libusb_interface& interface = config->interface[i];
    if (interface.num_altsetting < 1) continue;
    const libusb_interface_descriptor& alt = interface.altsetting[0];
    if (wanted && alt.bInterfaceNumber != *wanted) continue;
    if (!wanted && alt.bInterfaceClass != LIBUSB_CLASS_HID && i != 0) continue;
    found.number = alt.bInterfaceNumber;
    for (int e = 0; e < alt.bNumEndpoints; ++e) {
      const libusb_endpoint_descriptor& endpoint = alt.endpoint[e];
      if ((endpoint.bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0 &&
          (endpoint.bmAttributes & 0x03) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
        found.interrupt_endpoint = endpoint.bEndpointAddress;
        break;
      }
    }
    found.report_length_from_extra = libusb_detail::report_length_from_interface_extra(
        std::span<const std::uint8_t>(alt.extra, static_cast<size_t>(std::max(alt.extra_length, 0))));
    if (wanted || alt.bInterfaceClass == LIBUSB_CLASS_HID) break;
  }
  return found;
}

// NUT sets auto-detach when a kernel driver is bound, then claims, detaching explicitly
// between attempts (FreeBSD's auto-detach needs the explicit call).
// Error text "busy" marks a claim allow_duplicates lets the caller skip.
constexpr std::string_view kBusySkip = "busy: trying the next matching device";

Status claim(libusb_device_handle* handle, int interface_number, const DeviceInfo& info,
             const UsbTuning& tuning) {
  const int active = libusb_kernel_driver_active(handle, interface_number);
  log::debug(3, "libusb_kernel_driver_active() returned {}", active);
  if (active == 1) {
    const int rc = libusb_set_auto_detach_kernel_driver(handle, 1);
    if (rc != LIBUSB_SUCCESS) log::debug(1, "failed to set auto-detach: {}", error_name(rc));
  }
  int rc = LIBUSB_SUCCESS;
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    rc = libusb_claim_interface(handle, interface_number);
    if (rc == LIBUSB_SUCCESS) {
      log::debug(2, "Claimed interface {} successfully", interface_number);
      return Ok{};
    }
    log::debug(2, "failed to claim USB device: {}", error_name(rc));
    if (libusb_detail::try_next_device_after_claim(tuning, rc)) {
      log::debug(2, "Configured to allow_duplicates so looking for another similar device");
      return Error{std::string(kBusySkip)};
    }
    const int detached = libusb_detach_kernel_driver(handle, interface_number);
    if (detached == LIBUSB_SUCCESS) {
      log::debug(2, "detached kernel driver from USB device...");
    } else if (detached == LIBUSB_ERROR_NOT_FOUND) {
      log::debug(2, "Kernel driver already detached");
    } else {
      log::debug(1, "failed to detach kernel driver from USB device: {}", error_name(detached));
    }
  }
  std::string holder;
  if (rc == LIBUSB_ERROR_BUSY) {
    // Another program or driver (another ups.conf section) has the interface: say which.
    const auto holders = device_holders(fmt::format("/dev/bus/usb/{}/{}", info.bus, info.device));
    holder = holders.empty() ? " (held by another process; none found in /proc)"
                             : " (" + describe_holders(holders) + ")";
  }
  return Error{fmt::format("Can't claim USB device [{:04x}:{:04x}]@{}: {}{}", info.vendor_id,
                           info.product_id, interface_number, error_name(rc), holder)};
}

int control(libusb_device_handle* handle, const libusb_detail::ControlSetup& setup,
            std::uint8_t* data) {
  return libusb_control_transfer(handle, setup.request_type, setup.request, setup.value,
                                 setup.index, data, setup.length, kControlTimeoutMs);
}

Result<std::vector<std::uint8_t>> fetch_report_descriptor(libusb_device_handle* handle,
                                                          const HidInterface& interface,
                                                          const DeviceInfo& info,
                                                          const UsbTuning& tuning) {
  const std::uint8_t index =
      libusb_detail::descriptor_index(tuning, info.vendor_id, info.bcd_device);

  std::uint8_t hid_descriptor[9] = {};
  const int rc1 = control(handle,
                          libusb_detail::descriptor_setup(kHidDescriptorType, index,
                                                          interface.number, sizeof hid_descriptor),
                          hid_descriptor);
  std::optional<std::uint16_t> method1;
  if (rc1 < 0) {
    log::debug(2, "Unable to get HID descriptor ({})", error_name(rc1));
  } else {
    method1 = libusb_detail::report_length_from_hid_descriptor(
        std::span<const std::uint8_t>(hid_descriptor, static_cast<size_t>(rc1)));
  }
  const std::optional<std::uint16_t> method2 = interface.report_length_from_extra;
  log::debug(3, "HID descriptor length (method 1) {}", method1 ? int{*method1} : -1);
  log::debug(3, "HID descriptor length (method 2) {}", method2 ? int{*method2} : -1);
  if (method1 && method2 && *method1 != *method2) {
    log::debug(2, "Warning: two different HID descriptors retrieved (Reportlen = {} vs. {})",
               *method1, *method2);
  }
  const auto length =
      libusb_detail::choose_report_length(method1, method2, info.vendor_id, info.bcd_device);
  if (!length) return Error{"Unable to retrieve any HID descriptor"};
  log::debug(2, "HID descriptor length {}", *length);

  std::vector<std::uint8_t> descriptor(*length);
  const int rc = control(
      handle,
      libusb_detail::descriptor_setup(kReportDescriptorType, index, interface.number, *length),
      descriptor.data());
  if (rc < 0) return Error{fmt::format("Unable to get Report descriptor: {}", error_name(rc))};
  if (static_cast<std::size_t>(rc) < descriptor.size()) {
    // Devices that overstate the length send what they have; NUT uses the shorter descriptor.
    log::debug(2, "Warning: report descriptor too short (expected {}, got {})", *length, rc);
    descriptor.resize(static_cast<std::size_t>(rc));
  }
  return descriptor;
}

IoResult transferred(int rc) {
  if (rc < 0) return IoResult{libusb_detail::io_status_of(rc), 0};
  return IoResult{IoStatus::kOk, static_cast<std::size_t>(rc)};
}

}  // namespace

LibusbTransport::~LibusbTransport() { close(); }

Status LibusbTransport::open(const MatchCriteria& criteria) {
  close();
  libusb_context* context = nullptr;
  const int rc = libusb_init(&context);
  if (rc != LIBUSB_SUCCESS) {
    return Error{fmt::format("Failed to init libusb 1.0: {}", error_name(rc))};
  }
  {
    std::lock_guard lock(context_mutex_);
    context_ = context;
  }
  Status opened = open_in_context(criteria);
  if (!opened.ok()) close();
  return opened;
}

Status LibusbTransport::open_in_context(const MatchCriteria& criteria) {
  auto matcher = DeviceMatcher::compile(criteria);
  if (!matcher.ok()) return Error{matcher.error()};

  libusb_device** raw_list = nullptr;
  const ssize_t count = libusb_get_device_list(context_, &raw_list);
  std::unique_ptr<libusb_device*, DeviceListDeleter> list(raw_list);
  int open_errors = 0;
  int access_errors = 0;
  for (ssize_t n = 0; n < count; ++n) {
    libusb_device* device = raw_list[n];
    libusb_device_descriptor descriptor{};
    libusb_get_device_descriptor(device, &descriptor);
    log::debug(2, "Checking device {} of {} ({:04X}/{:04X})", n + 1, count, descriptor.idVendor,
               descriptor.idProduct);
    libusb_device_handle* handle = nullptr;
    const int rc = libusb_open(device, &handle);
    if (rc != LIBUSB_SUCCESS) {
      log::debug(1, "Failed to open device ({:04X}/{:04X}), skipping: {}", descriptor.idVendor,
                 descriptor.idProduct, error_name(rc));
      ++open_errors;
      if (rc == LIBUSB_ERROR_ACCESS) ++access_errors;
      continue;
    }
    DeviceInfo info = identify(device, handle, descriptor);
    log::debug(2, "- VendorID: {:04x}, ProductID: {:04x}, Manufacturer: {}, Product: {}, "
               "Serial Number: {}, Bus: {}, Device: {}", info.vendor_id, info.product_id,
               info.vendor, info.product, info.serial, info.bus, info.device);
    if (auto why = matcher->mismatch(info)) {
      log::debug(2, "Device does not match - skipping ({})", *why);
      libusb_close(handle);
      continue;
    }
    // The subdriver that would claim this device may name its HID interface and endpoints
    // (arduino: interface 2, endpoint 0x84), as NUT's claim functions do in its matcher.
    const UsbTuning tuning = libusb_detail::with_claim_defaults(tuning_, claim_ ? claim_(info) : UsbTuning{});
    libusb_config_descriptor* raw_config = nullptr;
    if (libusb_get_config_descriptor(device, tuning.config_index.value_or(0), &raw_config) !=
        LIBUSB_SUCCESS) {
      raw_config = nullptr;
    }
    const ConfigPtr config(raw_config);
    std::optional<int> wanted;
    if (tuning.interface) wanted = *tuning.interface;
    HidInterface interface = find_hid_interface(config.get(), wanted);
    interface.interrupt_endpoint =
        libusb_detail::interrupt_endpoint(tuning, interface.interrupt_endpoint);
    if (Status claimed = claim(handle, interface.number, info, tuning); !claimed.ok()) {
      libusb_close(handle);
      if (claimed.error() == kBusySkip) continue;
      return claimed;
    }
    if (tuning.alt_setting) {
      // libusb1.c:131: only when usb_set_altinterface is given; a failure is only a warning.
      const int alt = libusb_set_interface_alt_setting(handle, interface.number, *tuning.alt_setting);
      if (alt != LIBUSB_SUCCESS) {
        log::warning("libusb_set_interface_alt_setting(udev, {}, {}) returned {} ({})",
                     interface.number, *tuning.alt_setting, alt, error_name(alt));
      }
      log::notice("libusb_set_interface_alt_setting() should not be necessary - please email the "
                  "nut-upsdev list with information about your UPS.");
    }
    auto descriptor_bytes = fetch_report_descriptor(handle, interface, info, tuning);
    if (!descriptor_bytes.ok()) {
      log::debug(2, "{} - skipping", descriptor_bytes.error());
      libusb_close(handle);
      continue;
    }
    handle_ = handle;
    info_ = std::move(info);
    report_descriptor_ = std::move(descriptor_bytes).value();
    interface_number_ = interface.number;
    interrupt_endpoint_ = interface.interrupt_endpoint;
    log::debug(2, "Report descriptor retrieved (Reportlen = {})", report_descriptor_.size());
    log::debug(3, "Using default, detected or customized USB HID numbers: usb_config_index={} "
               "usb_hid_rep_index={} usb_hid_desc_index={} usb_hid_ep_in={} usb_hid_ep_out={}",
               tuning.config_index.value_or(0), interface_number_,
               libusb_detail::descriptor_index(tuning, info_.vendor_id, info_.bcd_device),
               interrupt_endpoint_ & 0x0f, tuning.endpoint_out.value_or(1));  // nut_libusb.h:44
    return Ok{};
  }
  if (count < 1) return Error{"No matching HID UPS found (no USB devices)"};
  if (open_errors > 0 && open_errors == access_errors && open_errors == count) {
    return Error{"No matching HID UPS found (insufficient permissions on every USB device)"};
  }
  return Error{fmt::format("No matching HID UPS found ({} USB devices checked)", count)};
}

void LibusbTransport::close() {
  if (handle_ != nullptr) libusb_close(handle_);
  handle_ = nullptr;
  libusb_context* context = nullptr;
  {
    std::lock_guard lock(context_mutex_);
    std::swap(context, context_);
  }
  if (context != nullptr) libusb_exit(context);
  report_descriptor_.clear();
}

Result<std::vector<std::uint8_t>> LibusbTransport::report_descriptor() {
  if (handle_ == nullptr) return Error{"device not open"};
  return report_descriptor_;
}

Result<std::string> LibusbTransport::string_descriptor(int index) {
  if (handle_ == nullptr) return Error{"device not open"};
  if (index == 0) return std::string{};
  if (index < 0 || index > 255) return Error{fmt::format("string index {} out of range", index)};
  unsigned char text[256];
  const int rc = libusb_get_string_descriptor_ascii(handle_, static_cast<std::uint8_t>(index),
                                                    text, sizeof text);
  if (rc < 0) return Error{fmt::format("string descriptor {}: {}", index, error_name(rc))};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(rc));
}

IoResult LibusbTransport::get_feature_report(std::uint8_t report_id,
                                             std::span<std::uint8_t> buffer) {
  if (handle_ == nullptr) return IoResult{IoStatus::kDeviceGone, 0};
  return transferred(control(
      handle_, libusb_detail::get_feature_report_setup(report_id, interface_number_, buffer.size()),
      buffer.data()));
}

IoResult LibusbTransport::set_feature_report(std::uint8_t report_id,
                                             std::span<const std::uint8_t> data) {
  if (handle_ == nullptr) return IoResult{IoStatus::kDeviceGone, 0};
  // libusb's API takes a non-const pointer for both directions; an OUT transfer only reads it.
  std::vector<std::uint8_t> copy(data.begin(), data.end());
  return transferred(control(
      handle_, libusb_detail::set_feature_report_setup(report_id, interface_number_, copy.size()),
      copy.data()));
}

IoResult LibusbTransport::read_interrupt(std::span<std::uint8_t> buffer,
                                         std::chrono::milliseconds timeout) {
  if (handle_ == nullptr) return IoResult{IoStatus::kDeviceGone, 0};
  if (wake_pending_.exchange(false)) return IoResult{IoStatus::kTimeout, 0};
  // libusb treats 0 as "wait forever"; the driver loop must never block without bound.
  const auto wait_ms = static_cast<unsigned>(std::max<std::int64_t>(timeout.count(), 1));
  // libusb_interrupt_transfer's own steps (sync.c), asynchronously, so that a wake can cancel
  // the transfer the way its timeout does: the loop waits for the next poll in one read and
  // still runs a queued command at once.
  std::unique_ptr<libusb_transfer, decltype(&libusb_free_transfer)> transfer(
      libusb_alloc_transfer(0), &libusb_free_transfer);
  if (!transfer) return IoResult{IoStatus::kIoError, 0};
  int completed = 0;
  libusb_fill_interrupt_transfer(
      transfer.get(), handle_, interrupt_endpoint_, buffer.data(), static_cast<int>(buffer.size()),
      [](libusb_transfer* done) { *static_cast<int*>(done->user_data) = 1; }, &completed, wait_ms);
  if (const int rc = libusb_submit_transfer(transfer.get()); rc != LIBUSB_SUCCESS) {
    return IoResult{libusb_detail::io_status_of(rc), 0};
  }
  bool cancelled = false;
  while (completed == 0) {
    // Returns after each event: a completion, the timeout, or wake_interrupt_read()'s
    // libusb_interrupt_event_handler().
    const int rc = libusb_handle_events_completed(context_, &completed);
    if (completed != 0 || cancelled) continue;
    // Woken, or the event wait failed: cancel, then wait for the cancellation to complete
    // (sync.c does the same on errors).
    if (wake_pending_.exchange(false) || (rc < 0 && rc != LIBUSB_ERROR_INTERRUPTED)) {
      libusb_cancel_transfer(transfer.get());
      cancelled = true;
    }
  }
  const auto actual = static_cast<std::size_t>(std::max(transfer->actual_length, 0));
  switch (transfer->status) {
    case LIBUSB_TRANSFER_COMPLETED:
      return IoResult{IoStatus::kOk, actual};
    case LIBUSB_TRANSFER_CANCELLED:
      // Woken: nothing arrived, unless the report raced the cancellation.
      return actual > 0 ? IoResult{IoStatus::kOk, actual} : IoResult{IoStatus::kTimeout, 0};
    case LIBUSB_TRANSFER_TIMED_OUT:
      return IoResult{IoStatus::kTimeout, 0};
    case LIBUSB_TRANSFER_STALL:
      // A halted interrupt endpoint stays halted until cleared.
      libusb_clear_halt(handle_, interrupt_endpoint_);
      return IoResult{libusb_detail::io_status_of(LIBUSB_ERROR_PIPE), 0};
    case LIBUSB_TRANSFER_NO_DEVICE:
      return IoResult{libusb_detail::io_status_of(LIBUSB_ERROR_NO_DEVICE), 0};
    case LIBUSB_TRANSFER_OVERFLOW:
      return IoResult{libusb_detail::io_status_of(LIBUSB_ERROR_OVERFLOW), 0};
    default:
      return IoResult{libusb_detail::io_status_of(LIBUSB_ERROR_IO), 0};
  }
}

void LibusbTransport::wake_interrupt_read() {
  wake_pending_ = true;
  // Under the lock: the device thread may be replacing the context (a reattach).
  std::lock_guard lock(context_mutex_);
  if (context_ != nullptr) libusb_interrupt_event_handler(context_);
}

std::string LibusbTransport::version_string() {
  const libusb_version* version = libusb_get_version();
  return fmt::format("libusb-{}.{}.{} (API: 0x{:x})", version->major, version->minor,
                     version->micro, LIBUSB_API_VERSION);
}

namespace libusb_detail {

std::optional<std::uint16_t> report_length_from_hid_descriptor(
    std::span<const std::uint8_t> hid_descriptor) {
  if (hid_descriptor.size() < 9 || hid_descriptor[1] != kHidDescriptorType) return std::nullopt;
  return static_cast<std::uint16_t>(hid_descriptor[7] | (hid_descriptor[8] << 8));
}

std::optional<std::uint16_t> report_length_from_interface_extra(
    std::span<const std::uint8_t> extra) {
  std::size_t i = 0;
  while (i + 1 < extra.size()) {
    const std::size_t length = extra[i];
    if (length == 0) break;  // a zero bLength would loop forever
    if (length >= 9 && i + 9 <= extra.size() && extra[i + 1] == kHidDescriptorType) {
      return report_length_from_hid_descriptor(extra.subspan(i, 9));
    }
    i += length;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> choose_report_length(std::optional<std::uint16_t> method1,
                                                  std::optional<std::uint16_t> method2,
                                                  std::uint16_t vendor_id,
                                                  std::uint16_t bcd_device) {
  if (vendor_id == 0x0463 && bcd_device == 0x0202) return method1;
  return method2 ? method2 : method1;
}

std::uint8_t hid_descriptor_index(std::uint16_t vendor_id, std::uint16_t bcd_device) {
  return (vendor_id == 0x0463 && bcd_device == 0x0202) ? 1 : 0;
}

namespace {
std::uint16_t clamp_length(std::size_t length) {
  return static_cast<std::uint16_t>(std::min<std::size_t>(length, 0xffff));
}
}  // namespace

ControlSetup get_feature_report_setup(std::uint8_t report_id, int interface, std::size_t length) {
  return {kClassInterfaceIn, kGetReport, static_cast<std::uint16_t>(kFeatureReport | report_id),
          static_cast<std::uint16_t>(interface), clamp_length(length)};
}

ControlSetup set_feature_report_setup(std::uint8_t report_id, int interface, std::size_t length) {
  return {kClassInterfaceOut, kSetReport, static_cast<std::uint16_t>(kFeatureReport | report_id),
          static_cast<std::uint16_t>(interface), clamp_length(length)};
}

ControlSetup descriptor_setup(std::uint8_t type, std::uint8_t index, int interface,
                              std::uint16_t length) {
  return {kStandardInterfaceIn, LIBUSB_REQUEST_GET_DESCRIPTOR,
          static_cast<std::uint16_t>((type << 8) | index), static_cast<std::uint16_t>(interface),
          length};
}

std::uint8_t descriptor_index(const UsbTuning& tuning, std::uint16_t vendor_id,
                              std::uint16_t bcd_device) {
  if (tuning.desc_index) return *tuning.desc_index;
  return hid_descriptor_index(vendor_id, bcd_device);
}

std::uint8_t interrupt_endpoint(const UsbTuning& tuning, std::uint8_t detected) {
  if (tuning.endpoint_in) return static_cast<std::uint8_t>(LIBUSB_ENDPOINT_IN + *tuning.endpoint_in);
  return detected;
}

UsbTuning with_claim_defaults(const UsbTuning& user, const UsbTuning& claim) {
  UsbTuning tuning = user;
  if (!tuning.interface) tuning.interface = claim.interface;
  if (!tuning.desc_index) tuning.desc_index = claim.desc_index;
  if (!tuning.endpoint_in) tuning.endpoint_in = claim.endpoint_in;
  if (!tuning.endpoint_out) tuning.endpoint_out = claim.endpoint_out;
  return tuning;
}

bool try_next_device_after_claim(const UsbTuning& tuning, int libusb_error) {
  return tuning.allow_duplicates && libusb_error == LIBUSB_ERROR_BUSY;
}

IoStatus io_status_of(int libusb_error) {
  switch (libusb_error) {
    case LIBUSB_SUCCESS:
      return IoStatus::kOk;
    case LIBUSB_ERROR_TIMEOUT:
      return IoStatus::kTimeout;
    case LIBUSB_ERROR_PIPE:
      return IoStatus::kStall;
    // NUT reconnects on all of these: the handle is no longer ours to use.
    case LIBUSB_ERROR_NO_DEVICE:
    case LIBUSB_ERROR_NOT_FOUND:
    case LIBUSB_ERROR_BUSY:
    case LIBUSB_ERROR_ACCESS:
      return IoStatus::kDeviceGone;
    default:
      return IoStatus::kIoError;
  }
}

}  // namespace libusb_detail

}  // namespace walnut::usbhid
