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

UsbLab::UsbLab(std::shared_ptr<EmulatedUps> ups) {
  testbed_ = umockdev_testbed_new();
  add(std::move(ups));
}

UsbLab::~UsbLab() {
  g_object_unref(testbed_);  // removes the testbed directory and unsets UMOCKDEV_DIR
}

int UsbLab::add(std::shared_ptr<EmulatedUps> ups) {
  Slot slot;
  slot.ups = std::move(ups);
  slot.port = static_cast<int>(slots_.size()) + 1;
  slots_.push_back(std::move(slot));
  plug(slots_.back());
  return static_cast<int>(slots_.size()) - 1;
}

std::string UsbLab::usb_device_syspath(const Slot& slot) const {
  return fmt::format("{}/1-{}", kHubPath, slot.port);
}

std::string UsbLab::hid_syspath(const Slot& slot) const {
  const UpsImage& image = slot.ups->image();
  return fmt::format("{}/1-{}:1.{}/0003:{:04X}:{:04X}.{:04X}", usb_device_syspath(slot), slot.port,
                     image.hid_interface(), image.vendor_id, image.product_id, slot.port);
}

std::string UsbLab::usbfs_path(int index) const {
  return fmt::format("/dev/bus/usb/001/{:03d}", slots_.at(index).device_number);
}

std::string UsbLab::hidraw_path(int index) const {
  return fmt::format("/dev/hidraw{}", slots_.at(index).hidraw_number);
}

std::string UsbLab::root_dir() const { return take_string(umockdev_testbed_get_root_dir(testbed_)); }

std::string UsbLab::description(int index) const {
  const Slot& slot = slots_.at(index);
  const UpsImage& image = slot.ups->image();
  const std::string descriptors =
      hex(slot.ups->device_descriptor()) + hex(slot.ups->config_descriptor());
  const std::string usb = usb_device_syspath(slot);
  const std::string hid = hid_syspath(slot);
  auto string_attribute = [&image](int string_index, const char* name) -> std::string {
    const auto found = image.strings.find(string_index);
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
      "A: busnum=1\\n\nA: devnum={dev}\\n\nA: devpath={port}\\n\nA: idVendor={vid:04x}\\n\n"
      "A: idProduct={pid:04x}\\n\n"
      "A: bcdDevice={bcd:04x}\\n\nA: bConfigurationValue=1\\n\nA: bNumConfigurations=1\\n\n"
      "A: bNumInterfaces= {interfaces}\\n\nA: bDeviceClass=00\\n\nA: bMaxPacketSize0=8\\n\nA: speed=12\\n\n"
      "{mfr}{prod}{ser}A: dev=189:{minor}\\n\nH: descriptors={descriptors}\n\n",
      fmt::arg("usb", usb), fmt::arg("dev", slot.device_number), fmt::arg("port", slot.port),
      fmt::arg("descriptors", descriptors), fmt::arg("vid", image.vendor_id),
      fmt::arg("pid", image.product_id), fmt::arg("bcd", image.bcd_device),
      fmt::arg("minor", slot.device_number - 1), fmt::arg("interfaces", image.hid_interface() + 1),
      fmt::arg("mfr", string_attribute(1, "manufacturer")),
      fmt::arg("prod", string_attribute(2, "product")),
      fmt::arg("ser", string_attribute(3, "serial")));
  text += fmt::format(
      "P: {usb}/1-{port}:1.{n}\nE: DEVTYPE=usb_interface\nE: DRIVER=usbhid\nE: INTERFACE=3/0/0\n"
      "E: SUBSYSTEM=usb\nA: bInterfaceNumber={n:02x}\\n\nA: bInterfaceClass=03\\n\n"
      "A: bInterfaceSubClass=00\\n\nA: bInterfaceProtocol=00\\n\nA: bNumEndpoints=01\\n\n"
      "A: bAlternateSetting= 0\\n\n\n",
      fmt::arg("usb", usb), fmt::arg("port", slot.port), fmt::arg("n", image.hid_interface()));
  text += fmt::format(
      "P: {hid}\nE: DRIVER=hid-generic\nE: HID_ID=0003:0000{vid:04X}:0000{pid:04X}\n"
      "E: HID_NAME={name}\nE: HID_PHYS=usb-0000:00:14.0-{port}/input0\nE: HID_UNIQ={serial}\n"
      "E: MODALIAS=hid:b0003g0001v0000{vid:04X}p0000{pid:04X}\nE: SUBSYSTEM=hid\n"
      "H: report_descriptor={rdesc}\n\n",
      fmt::arg("hid", hid), fmt::arg("vid", image.vendor_id), fmt::arg("pid", image.product_id),
      fmt::arg("name", name), fmt::arg("port", slot.port), fmt::arg("serial", serial),
      fmt::arg("rdesc", hex(image.report_descriptor)));
  // hidapi reads <hidraw>/device/uevent: without the link it silently finds nothing.
  const std::string hid_name = hid.substr(hid.rfind('/') + 1);
  text += fmt::format(
      "P: {hid}/hidraw/hidraw{n}\nN: hidraw{n}\nE: DEVNAME=/dev/hidraw{n}\nE: MAJOR=240\n"
      "E: MINOR={n}\nE: SUBSYSTEM=hidraw\nA: dev=240:{n}\\n\nL: device=../../../{hid_name}\n",
      fmt::arg("hid", hid), fmt::arg("n", slot.hidraw_number), fmt::arg("hid_name", hid_name));
  return text;
}

void UsbLab::plug(Slot& slot) {
  slot.device_number = next_device_number_++;
  slot.hidraw_number = next_hidraw_number_++;
  const int index = static_cast<int>(&slot - slots_.data());
  GError* error = nullptr;
  if (!umockdev_testbed_add_from_string(testbed_, description(index).c_str(), &error)) {
    const std::string message = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) g_error_free(error);
    throw std::runtime_error("umockdev: cannot add the device: " + message);
  }
  slot.usbfs.push_back(std::make_unique<UsbfsHandler>(slot.ups));
  slot.hidraw.push_back(std::make_unique<HidrawHandler>(slot.ups));
  for (auto [node, base] : {std::pair{usbfs_path(index), slot.usbfs.back()->ioctl_base()},
                            std::pair{hidraw_path(index), slot.hidraw.back()->ioctl_base()}}) {
    if (!umockdev_testbed_attach_ioctl(testbed_, node.c_str(), base, &error)) {
      const std::string message = error != nullptr ? error->message : "unknown error";
      if (error != nullptr) g_error_free(error);
      throw std::runtime_error("umockdev: cannot attach " + node + ": " + message);
    }
  }
  slot.hidraw.back()->set_master_fd(
      umockdev_testbed_get_dev_fd(testbed_, hidraw_path(index).c_str()));
  slot.plugged = true;
}

void UsbLab::unplug(int index) {
  Slot& slot = slots_.at(index);
  if (!slot.plugged) return;
  slot.usbfs.back()->disconnect();
  slot.hidraw.back()->disconnect();
  // umockdev removes one device's own links only: children go first, deepest first, or their
  // /sys/bus and /sys/class links would block plugging the device back in.
  const std::string usb = "/sys" + usb_device_syspath(slot);
  const std::string hid = "/sys" + hid_syspath(slot);
  for (const std::string& device :
       {fmt::format("{}/hidraw/hidraw{}", hid, slot.hidraw_number), hid,
        fmt::format("{}/1-{}:1.{}", usb, slot.port, slot.ups->image().hid_interface()), usb}) {
    umockdev_testbed_remove_device(testbed_, device.c_str());
  }
  slot.plugged = false;
}

void UsbLab::replug(int index) {
  Slot& slot = slots_.at(index);
  if (slot.plugged) return;
  plug(slot);
}

void UsbLab::send_interrupt(Bytes report, int index) {
  Slot& slot = slots_.at(index);
  slot.ups->queue_interrupt(std::move(report));
  if (slot.plugged) slot.hidraw.back()->notify_interrupts();
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
