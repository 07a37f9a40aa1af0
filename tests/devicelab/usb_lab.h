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
  // device 0: port 1-1, bus 001 device 002, /dev/hidraw0.
  explicit UsbLab(std::shared_ptr<EmulatedUps> ups);
  ~UsbLab();
  UsbLab(const UsbLab&) = delete;
  UsbLab& operator=(const UsbLab&) = delete;

  // Plugs another UPS into the next port (1-2, ...) with the next device and hidraw numbers;
  // returns its index for the calls below.
  int add(std::shared_ptr<EmulatedUps> ups);

  EmulatedUps& ups(int index = 0) { return *slots_.at(index).ups; }
  UsbfsHandler& usbfs(int index = 0) { return *slots_.at(index).usbfs.back(); }
  HidrawHandler& hidraw(int index = 0) { return *slots_.at(index).hidraw.back(); }

  // Unplug: open handles fail as on a real disconnect, the device leaves sysfs and /dev.
  void unplug(int index = 0);
  // Plug back in, enumerated afresh: the next free device number and hidraw node.
  void replug(int index = 0);
  bool plugged(int index = 0) const { return slots_.at(index).plugged; }

  // Queues an interrupt-IN report on the device (both pipes see it: whichever reads first).
  void send_interrupt(Bytes report, int index = 0);

  int device_number(int index = 0) const { return slots_.at(index).device_number; }
  std::string usbfs_path(int index = 0) const;   // /dev/bus/usb/001/002
  std::string hidraw_path(int index = 0) const;  // /dev/hidraw0
  std::string root_dir() const;

  // This process's environment plus what a child needs to see the testbed: UMOCKDEV_DIR and
  // libumockdev-preload in LD_PRELOAD. Without either the child silently sees no devices.
  std::vector<std::string> child_environment() const;

  // The sysfs/udev description (umockdev's text format) of a device as currently numbered.
  std::string description(int index = 0) const;

 private:
  struct Slot {
    std::shared_ptr<EmulatedUps> ups;
    int port = 1;  // on the root hub: sysfs name 1-<port>
    int device_number = 2;
    int hidraw_number = 0;
    bool plugged = false;
    // Handlers of earlier plug-ins stay alive: a host may still hold their nodes open.
    std::vector<std::unique_ptr<UsbfsHandler>> usbfs;
    std::vector<std::unique_ptr<HidrawHandler>> hidraw;
  };

  void plug(Slot& slot);
  std::string usb_device_syspath(const Slot& slot) const;
  std::string hid_syspath(const Slot& slot) const;

  UMockdevTestbed* testbed_ = nullptr;
  std::vector<Slot> slots_;
  int next_device_number_ = 2;
  int next_hidraw_number_ = 0;
};

}  // namespace walnut::devicelab
