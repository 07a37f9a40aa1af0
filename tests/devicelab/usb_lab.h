// The device lab: a umockdev testbed in which an EmulatedUps is plugged into USB bus 1 (usbfs
// node and sysfs for libusb-1.0, a hidraw node for hidapi), can be unplugged and plugged back,
// and can serve a separate program started with child_environment().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/devicelab/emulated_ups.h"
#include "tests/devicelab/hidraw_handler.h"
#include "tests/devicelab/usbfs_handler.h"

typedef struct _UMockdevTestbed UMockdevTestbed;

namespace walnut::devicelab {

class UsbLab {
 public:
  // Creates the testbed (which redirects /sys and /dev for preloaded code: this process when
  // run with libumockdev-preload, and children given child_environment()) and plugs `ups` in as
  // bus 001 device 002 with /dev/hidraw0.
  explicit UsbLab(std::shared_ptr<EmulatedUps> ups);
  ~UsbLab();
  UsbLab(const UsbLab&) = delete;
  UsbLab& operator=(const UsbLab&) = delete;

  EmulatedUps& ups() { return *ups_; }
  UsbfsHandler& usbfs() { return *usbfs_.back(); }
  HidrawHandler& hidraw() { return *hidraw_.back(); }

  // Unplug: open handles fail as on a real disconnect, the device leaves sysfs and /dev.
  void unplug();
  // Plug back in, enumerated afresh: the next device number (003, ...) and hidraw node.
  void replug();
  bool plugged() const { return plugged_; }

  // Queues an interrupt-IN report on the device (both pipes see it: whichever reads first).
  void send_interrupt(Bytes report);

  int device_number() const { return device_number_; }
  std::string usbfs_path() const;   // /dev/bus/usb/001/002
  std::string hidraw_path() const;  // /dev/hidraw0
  std::string root_dir() const;

  // This process's environment plus what a child needs to see the testbed: UMOCKDEV_DIR and
  // libumockdev-preload in LD_PRELOAD. Without either the child silently sees no devices.
  std::vector<std::string> child_environment() const;

  // The sysfs/udev description (umockdev's text format) of the device as currently numbered.
  std::string description() const;

 private:
  void plug();
  std::string usb_device_syspath() const;

  std::shared_ptr<EmulatedUps> ups_;
  UMockdevTestbed* testbed_ = nullptr;
  // Handlers of earlier plug-ins stay alive: a host may still hold their nodes open.
  std::vector<std::unique_ptr<UsbfsHandler>> usbfs_;
  std::vector<std::unique_ptr<HidrawHandler>> hidraw_;
  int device_number_ = 2;
  int hidraw_number_ = 0;
  bool plugged_ = false;
};

}  // namespace walnut::devicelab
