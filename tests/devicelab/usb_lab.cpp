// The device lab's umockdev testbed (see usb_lab.h).

#include "tests/devicelab/usb_lab.h"

#include <umockdev.h>

#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

extern char** environ;

namespace walnut::devicelab {

namespace {

// umockdev descriptions name devices by their path under /sys.
constexpr const char* kHubPath = "/devices/pci0000:00/0000:00:14.0/usb1";
constexpr const char* kPreload = "libumockdev-preload.so.0";

std::string hex(const Bytes& bytes) {
  std::string out;
  for (std::uint8_t b : bytes) out += fmt::format("{:02X}", b);
  return out;
}

std::string take_string(gchar* text) {
  std::string out = text != nullptr ? text : "";
  g_free(text);
  return out;
}

}  // namespace

UsbLab::UsbLab(std::shared_ptr<EmulatedUps> ups) : ups_(std::move(ups)) {
  testbed_ = umockdev_testbed_new();
  plug();
}

UsbLab::~UsbLab() {
  g_object_unref(testbed_);  // removes the testbed directory and unsets UMOCKDEV_DIR
}

std::string UsbLab::usb_device_syspath() const { return std::string(kHubPath) + "/1-1"; }

std::string UsbLab::usbfs_path() const {
  return fmt::format("/dev/bus/usb/001/{:03d}", device_number_);
}

std::string UsbLab::hidraw_path() const { return fmt::format("/dev/hidraw{}", hidraw_number_); }

std::string UsbLab::root_dir() const { return take_string(umockdev_testbed_get_root_dir(testbed_)); }

std::string UsbLab::description() const {
  const UpsImage& image = ups_->image();
  const std::string descriptors = hex(ups_->device_descriptor()) + hex(ups_->config_descriptor());
  const std::string usb = usb_device_syspath();
  const std::string hid = fmt::format("{}/1-1:1.0/0003:{:04X}:{:04X}.0001", usb, image.vendor_id,
                                      image.product_id);
  auto string_attribute = [&image](int index, const char* name) -> std::string {
    const auto found = image.strings.find(index);
    return found == image.strings.end() ? "" : fmt::format("A: {}={}\\n\n", name, found->second);
  };
  const std::string name = fmt::format(
      "{} {}", image.strings.count(1) ? image.strings.at(1) : "",
      image.strings.count(2) ? image.strings.at(2) : "");
  const std::string serial = image.strings.count(3) ? image.strings.at(3) : "";
  std::string text;
  text += fmt::format(
      "P: {usb}\nN: bus/usb/001/{dev:03d}={descriptors}\nE: DEVNAME=/dev/bus/usb/001/{dev:03d}\n"
      "E: DEVTYPE=usb_device\nE: DRIVER=usb\nE: PRODUCT={vid:x}/{pid:x}/{bcd:x}\nE: TYPE=0/0/0\n"
      "E: BUSNUM=001\nE: DEVNUM={dev:03d}\nE: MAJOR=189\nE: MINOR={minor}\nE: SUBSYSTEM=usb\n"
      "E: ID_VENDOR_ID={vid:04x}\nE: ID_MODEL_ID={pid:04x}\n"
      "A: busnum=1\\n\nA: devnum={dev}\\n\nA: devpath=1\\n\nA: idVendor={vid:04x}\\n\nA: idProduct={pid:04x}\\n\n"
      "A: bcdDevice={bcd:04x}\\n\nA: bConfigurationValue=1\\n\nA: bNumConfigurations=1\\n\n"
      "A: bNumInterfaces= 1\\n\nA: bDeviceClass=00\\n\nA: bMaxPacketSize0=8\\n\nA: speed=12\\n\n"
      "{mfr}{prod}{ser}A: dev=189:{minor}\\n\nH: descriptors={descriptors}\n\n",
      fmt::arg("usb", usb), fmt::arg("dev", device_number_), fmt::arg("descriptors", descriptors),
      fmt::arg("vid", image.vendor_id), fmt::arg("pid", image.product_id),
      fmt::arg("bcd", image.bcd_device), fmt::arg("minor", device_number_ - 1),
      fmt::arg("mfr", string_attribute(1, "manufacturer")),
      fmt::arg("prod", string_attribute(2, "product")),
      fmt::arg("ser", string_attribute(3, "serial")));
  text += fmt::format(
      "P: {usb}/1-1:1.0\nE: DEVTYPE=usb_interface\nE: DRIVER=usbhid\nE: INTERFACE=3/0/0\n"
      "E: SUBSYSTEM=usb\nA: bInterfaceNumber=00\\n\nA: bInterfaceClass=03\\n\n"
      "A: bInterfaceSubClass=00\\n\nA: bInterfaceProtocol=00\\n\nA: bNumEndpoints=01\\n\n"
      "A: bAlternateSetting= 0\\n\n\n",
      fmt::arg("usb", usb));
  text += fmt::format(
      "P: {hid}\nE: DRIVER=hid-generic\nE: HID_ID=0003:0000{vid:04X}:0000{pid:04X}\n"
      "E: HID_NAME={name}\nE: HID_PHYS=usb-0000:00:14.0-1/input0\nE: HID_UNIQ={serial}\n"
      "E: MODALIAS=hid:b0003g0001v0000{vid:04X}p0000{pid:04X}\nE: SUBSYSTEM=hid\n"
      "H: report_descriptor={rdesc}\n\n",
      fmt::arg("hid", hid), fmt::arg("vid", image.vendor_id), fmt::arg("pid", image.product_id),
      fmt::arg("name", name), fmt::arg("serial", serial),
      fmt::arg("rdesc", hex(image.report_descriptor)));
  // hidapi reads <hidraw>/device/uevent: without the link it silently finds nothing.
  text += fmt::format(
      "P: {hid}/hidraw/hidraw{n}\nN: hidraw{n}\nE: DEVNAME=/dev/hidraw{n}\nE: MAJOR=240\n"
      "E: MINOR={n}\nE: SUBSYSTEM=hidraw\nA: dev=240:{n}\\n\nL: device=../../../0003:{vid:04X}:{pid:04X}.0001\n",
      fmt::arg("hid", hid), fmt::arg("n", hidraw_number_), fmt::arg("vid", image.vendor_id),
      fmt::arg("pid", image.product_id));
  return text;
}

void UsbLab::plug() {
  GError* error = nullptr;
  if (!umockdev_testbed_add_from_string(testbed_, description().c_str(), &error)) {
    const std::string message = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) g_error_free(error);
    throw std::runtime_error("umockdev: cannot add the device: " + message);
  }
  usbfs_.push_back(std::make_unique<UsbfsHandler>(ups_));
  hidraw_.push_back(std::make_unique<HidrawHandler>(ups_));
  for (auto [node, base] : {std::pair{usbfs_path(), usbfs_.back()->ioctl_base()},
                            std::pair{hidraw_path(), hidraw_.back()->ioctl_base()}}) {
    if (!umockdev_testbed_attach_ioctl(testbed_, node.c_str(), base, &error)) {
      const std::string message = error != nullptr ? error->message : "unknown error";
      if (error != nullptr) g_error_free(error);
      throw std::runtime_error("umockdev: cannot attach " + node + ": " + message);
    }
  }
  hidraw_.back()->set_master_fd(umockdev_testbed_get_dev_fd(testbed_, hidraw_path().c_str()));
  plugged_ = true;
}

void UsbLab::unplug() {
  if (!plugged_) return;
  usbfs_.back()->disconnect();
  hidraw_.back()->disconnect();
  // umockdev removes one device's own links only: children go first, deepest first, or their
  // /sys/bus and /sys/class links would block plugging the device back in.
  const std::string usb = "/sys" + usb_device_syspath();
  const std::string hid = fmt::format("{}/1-1:1.0/0003:{:04X}:{:04X}.0001", usb,
                                      ups_->image().vendor_id, ups_->image().product_id);
  for (const std::string& device : {fmt::format("{}/hidraw/hidraw{}", hid, hidraw_number_), hid,
                                    usb + "/1-1:1.0", usb}) {
    umockdev_testbed_remove_device(testbed_, device.c_str());
  }
  plugged_ = false;
}

void UsbLab::replug() {
  if (plugged_) return;
  ++device_number_;
  ++hidraw_number_;
  plug();
}

void UsbLab::send_interrupt(Bytes report) {
  ups_->queue_interrupt(std::move(report));
  if (plugged_) hidraw_.back()->notify_interrupts();
}

std::vector<std::string> UsbLab::child_environment() const {
  std::vector<std::string> environment;
  std::string preload = kPreload;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable = *entry;
    if (variable.rfind("LD_PRELOAD=", 0) == 0) {
      const std::string existing = variable.substr(11);
      if (existing.find(kPreload) != std::string::npos) preload = existing;
      else if (!existing.empty()) preload = existing + ":" + kPreload;
      continue;
    }
    if (variable.rfind("UMOCKDEV_DIR=", 0) == 0) continue;
    environment.push_back(variable);
  }
  environment.push_back("LD_PRELOAD=" + preload);
  environment.push_back("UMOCKDEV_DIR=" + root_dir());
  return environment;
}

}  // namespace walnut::devicelab
