// The hidapi transport: hidraw nodes through hidapi-hidraw, identity and descriptors from
// sysfs and HIDIOCGRDESC (see hidapi_transport.h).

#include "drivers/usbhid/transport/hidapi_transport.h"

#include <fcntl.h>
#include <hidapi.h>
#include <linux/hidraw.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>

#include <fmt/format.h>

#include "common/config/conf_file.h"
#include "common/log.h"
#include "drivers/usbhid/transport/hidapi_library.h"
#include "drivers/usbhid/transport/usb_match.h"

namespace walnut::usbhid {

namespace {

std::string narrow(const wchar_t* text) {
  std::string out;
  if (text == nullptr) return out;
  for (; *text != 0; ++text) {
    const auto c = static_cast<std::uint32_t>(*text);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
      out += static_cast<char>(0xe0 | ((c >> 12) & 0x0f));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

std::optional<std::string> read_file(const std::string& path) {
  auto text = config::read_text_file(path);
  if (!text) return std::nullopt;
  return std::move(*text);
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// The USB device owning a hidraw node: hidrawN -> HID device -> USB interface -> USB device.
std::string usb_device_dir(const std::string& name) {
  return "/sys/class/hidraw/" + name + "/device/../..";
}

struct Candidate {
  std::string path;
  bool power_device = false;  // top-level usage page Power Device (0x84) or Battery (0x85)
  DeviceInfo info;
};

DeviceInfo identify(const hid_device_info& device) {
  DeviceInfo info;
  info.vendor_id = device.vendor_id;
  info.product_id = device.product_id;
  info.bcd_device = device.release_number;
  info.vendor = narrow(device.manufacturer_string);
  info.product = narrow(device.product_string);
  info.serial = narrow(device.serial_number);
  info.path = device.path;
  const std::string usb = usb_device_dir(hidapi_detail::hidraw_name(device.path));
  auto number = [&usb](const char* attribute) -> std::string {
    const auto text = read_file(usb + "/" + attribute);
    if (!text) return {};
    try {
      return fmt::format("{:03d}", std::stoi(*text));
    } catch (const std::exception&) {
      return {};
    }
  };
  info.bus = number("busnum");
  info.device = number("devnum");
  if (const auto devpath = read_file(usb + "/devpath")) {
    info.bus_port = hidapi_detail::bus_port_from_devpath(trimmed(*devpath));
  }
  return info;
}

std::vector<Candidate> candidates(const HidapiLibrary& hid, const std::string& port) {
  std::vector<Candidate> found;
  hid_device_info* list = hid.enumerate(0, 0);
  for (const hid_device_info* device = list; device != nullptr; device = device->next) {
    if (device->bus_type != HID_API_BUS_USB || device->path == nullptr) continue;
    if (!port.empty() && port != "hidraw" && port != device->path) continue;
    const bool power = device->usage_page == 0x84 || device->usage_page == 0x85;
    // hidapi lists a node once per top-level collection; keep one entry per node.
    auto same = std::find_if(found.begin(), found.end(),
                             [&](const Candidate& c) { return c.path == device->path; });
    if (same != found.end()) {
      same->power_device = same->power_device || power;
      continue;
    }
    found.push_back(Candidate{device->path, power, identify(*device)});
  }
  hid.free_enumeration(list);
  std::stable_partition(found.begin(), found.end(),
                        [](const Candidate& c) { return c.power_device; });
  return found;
}

Result<std::vector<std::uint8_t>> read_report_descriptor(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    int size = 0;
    hidraw_report_descriptor descriptor{};
    const bool ok = ::ioctl(fd, HIDIOCGRDESCSIZE, &size) == 0 && size > 0 &&
                    size <= HID_MAX_DESCRIPTOR_SIZE &&
                    (descriptor.size = static_cast<std::uint32_t>(size),
                     ::ioctl(fd, HIDIOCGRDESC, &descriptor) == 0);
    ::close(fd);
    if (ok) return std::vector<std::uint8_t>(descriptor.value, descriptor.value + descriptor.size);
  }
  // The same bytes, as the kernel exposes them in sysfs.
  const auto bytes =
      read_file("/sys/class/hidraw/" + hidapi_detail::hidraw_name(path) + "/device/report_descriptor");
  if (!bytes || bytes->empty()) return Error{fmt::format("{}: cannot read the report descriptor", path)};
  return std::vector<std::uint8_t>(bytes->begin(), bytes->end());
}

// The device's string indexes (iManufacturer, iProduct, iSerialNumber) from the USB device
// descriptor in sysfs, so string_descriptor() answers at the indexes the HID items name.
std::map<int, std::string> string_table(const DeviceInfo& info) {
  int manufacturer = 1, product = 2, serial = 3;
  const auto descriptors = read_file(usb_device_dir(hidapi_detail::hidraw_name(info.path)) + "/descriptors");
  if (descriptors && descriptors->size() >= 18) {
    manufacturer = static_cast<unsigned char>((*descriptors)[14]);
    product = static_cast<unsigned char>((*descriptors)[15]);
    serial = static_cast<unsigned char>((*descriptors)[16]);
  }
  std::map<int, std::string> table;
  if (manufacturer != 0) table[manufacturer] = info.vendor;
  if (product != 0) table[product] = info.product;
  if (serial != 0) table[serial] = info.serial;
  return table;
}

}  // namespace

HidapiTransport::HidapiTransport(std::string port) : port_(std::move(port)) {}

HidapiTransport::~HidapiTransport() { close(); }

Status HidapiTransport::open(const MatchCriteria& criteria) {
  close();
  auto matcher = DeviceMatcher::compile(criteria);
  if (!matcher.ok()) return Error{matcher.error()};
  auto library = hidapi_library();
  if (!library) return Error{library.error()};
  hid_ = *library;
  if (hid_->init() != 0) return Error{"hidapi: hid_init failed"};
  const std::vector<Candidate> found = candidates(*hid_, port_);
  for (const Candidate& candidate : found) {
    const DeviceInfo& info = candidate.info;
    log::debug(2, "Checking {} ({:04x}/{:04x}), Manufacturer: {}, Product: {}, Serial Number: {}",
               candidate.path, info.vendor_id, info.product_id, info.vendor, info.product,
               info.serial);
    if (auto why = matcher->mismatch(info)) {
      log::debug(2, "Device does not match - skipping ({})", *why);
      continue;
    }
    hid_device* device = hid_->open_path(candidate.path.c_str());
    if (device == nullptr) {
      log::debug(1, "Failed to open {}, skipping: {}", candidate.path, narrow(hid_->error(nullptr)));
      continue;
    }
    auto descriptor = read_report_descriptor(candidate.path);
    if (!descriptor.ok()) {
      log::debug(2, "{} - skipping", descriptor.error());
      hid_->close(device);
      continue;
    }
    device_ = device;
    info_ = info;
    report_descriptor_ = std::move(descriptor).value();
    strings_ = string_table(info_);
    log::debug(2, "Report descriptor retrieved (Reportlen = {})", report_descriptor_.size());
    return Ok{};
  }
  if (!port_.empty() && port_ != "hidraw" && found.empty()) {
    return Error{fmt::format("No matching HID UPS found ({} is not a USB hidraw device)", port_)};
  }
  return Error{fmt::format("No matching HID UPS found ({} hidraw devices checked)", found.size())};
}

void HidapiTransport::close() {
  if (device_ != nullptr) hid_->close(device_);
  device_ = nullptr;
  report_descriptor_.clear();
  strings_.clear();
}

Result<std::vector<std::uint8_t>> HidapiTransport::report_descriptor() {
  if (device_ == nullptr) return Error{"device not open"};
  return report_descriptor_;
}

Result<std::string> HidapiTransport::string_descriptor(int index) {
  if (device_ == nullptr) return Error{"device not open"};
  if (index == 0) return std::string{};
  const auto found = strings_.find(index);
  if (found == strings_.end()) {
    return Error{fmt::format("string descriptor {}: not available through hidraw", index)};
  }
  return found->second;
}

IoStatus HidapiTransport::failure_status(int error) const {
  const IoStatus status = hidapi_detail::io_status_of_errno(error);
  if (status == IoStatus::kDeviceGone) return status;
  // A vanished device shows up as EIO or a poll error; sysfs says for sure.
  if (!read_file("/sys/class/hidraw/" + hidapi_detail::hidraw_name(info_.path) + "/dev")) {
    return IoStatus::kDeviceGone;
  }
  return status;
}

IoResult HidapiTransport::get_feature_report(std::uint8_t report_id,
                                             std::span<std::uint8_t> buffer) {
  if (device_ == nullptr) return IoResult{IoStatus::kDeviceGone, 0};
  if (buffer.empty()) return IoResult{IoStatus::kIoError, 0};
  // hidraw always puts the report ID first; without IDs (ID 0) that byte is not on the wire.
  const bool unnumbered = report_id == 0;
  std::vector<std::uint8_t> bytes(buffer.size() + (unnumbered ? 1 : 0), 0);
  bytes[0] = report_id;
  const int rc = hid_->get_feature_report(device_, bytes.data(), bytes.size());
  const int error = errno;
  if (rc < 0) return IoResult{failure_status(error), 0};
  const std::size_t skip = unnumbered ? 1 : 0;
  const std::size_t count = std::min(buffer.size(), static_cast<std::size_t>(rc) - std::min<std::size_t>(skip, rc));
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(skip), count, buffer.begin());
  return IoResult{IoStatus::kOk, count};
}

IoResult HidapiTransport::set_feature_report(std::uint8_t report_id,
                                             std::span<const std::uint8_t> data) {
  if (device_ == nullptr) return IoResult{IoStatus::kDeviceGone, 0};
  std::vector<std::uint8_t> bytes;
  if (report_id == 0) bytes.push_back(0);
  bytes.insert(bytes.end(), data.begin(), data.end());
  const int rc = hid_->send_feature_report(device_, bytes.data(), bytes.size());
  const int error = errno;
  if (rc < 0) return IoResult{failure_status(error), 0};
  const std::size_t sent = static_cast<std::size_t>(rc) - (report_id == 0 && rc > 0 ? 1 : 0);
  return IoResult{IoStatus::kOk, std::min(sent, data.size())};
}

IoResult HidapiTransport::read_interrupt(std::span<std::uint8_t> buffer,
                                         std::chrono::milliseconds timeout) {
  if (device_ == nullptr) return IoResult{IoStatus::kDeviceGone, 0};
  const int wait_ms = static_cast<int>(std::clamp<std::int64_t>(timeout.count(), 0, 1 << 30));
  errno = 0;
  const int rc = hid_->read_timeout(device_, buffer.data(), buffer.size(), wait_ms);
  const int error = errno;
  if (rc == 0) return IoResult{IoStatus::kTimeout, 0};
  if (rc < 0) {
    const IoStatus status = hidapi_detail::read_status_of_errno(error);
    return IoResult{status == IoStatus::kDeviceGone ? status : failure_status(error), 0};
  }
  return IoResult{IoStatus::kOk, static_cast<std::size_t>(rc)};
}

namespace hidapi_detail {

std::string hidraw_name(std::string_view path) {
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.rfind("hidraw", 0) != 0 || name.size() == 6) return {};
  if (!std::all_of(name.begin() + 6, name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  return std::string(name);
}

std::string bus_port_from_devpath(std::string_view devpath) {
  const auto dot = devpath.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? devpath : devpath.substr(dot + 1);
  int port = 0;
  for (char c : last) {
    if (c < '0' || c > '9') return {};
    port = port * 10 + (c - '0');
    if (port > 999) return {};
  }
  if (last.empty() || port == 0) return {};
  return fmt::format("{:03d}", port);
}

IoStatus io_status_of_errno(int error) {
  switch (error) {
    case ETIMEDOUT:
      return IoStatus::kTimeout;
    case EPIPE:
      return IoStatus::kStall;
    case ENODEV:
    case ESHUTDOWN:
    case ENOENT:
      return IoStatus::kDeviceGone;
    default:
      return IoStatus::kIoError;
  }
}

IoStatus read_status_of_errno(int error) {
  if (error == 0 || error == EIO) return IoStatus::kDeviceGone;
  return io_status_of_errno(error);
}

}  // namespace hidapi_detail

}  // namespace walnut::usbhid
