// The emulated UPS's hidraw node (/dev/hidrawN) as umockdev serves it: the HIDIOC* ioctls and
// read() that hidapi's hidraw backend uses, answered from the same EmulatedUps as usbfs.
#pragma once

#include <memory>
#include <mutex>

#include "tests/devicelab/emulated_ups.h"

typedef struct _UMockdevIoctlBase UMockdevIoctlBase;
typedef struct _UMockdevIoctlClient UMockdevIoctlClient;

namespace walnut::devicelab {

class HidrawHandler {
 public:
  explicit HidrawHandler(std::shared_ptr<EmulatedUps> ups);
  ~HidrawHandler();
  HidrawHandler(const HidrawHandler&) = delete;
  HidrawHandler& operator=(const HidrawHandler&) = delete;

  UMockdevIoctlBase* ioctl_base() const { return base_; }

  // `master_fd` is the testbed's end of the node's PTY (umockdev_testbed_get_dev_fd). The PTY
  // is a byte stream that would merge reports, so it only carries one "doorbell" byte per
  // queued report, to make poll() readable; the report itself is handed over in handle-read.
  void set_master_fd(int master_fd);
  // Rings for every report queued on the device since the last call (tests call this after
  // EmulatedUps::queue_interrupt).
  void notify_interrupts();

  // Unplug: ioctls fail with ENODEV and reads with EIO, as hidraw does once the device is gone.
  void disconnect();

 private:
  static int on_ioctl(UMockdevIoctlBase* base, UMockdevIoctlClient* client, void* self);
  static int on_read(UMockdevIoctlBase* base, UMockdevIoctlClient* client, void* self);
  void handle_ioctl(UMockdevIoctlClient* client);
  void handle_read(UMockdevIoctlClient* client);
  void ring();  // REQUIRES: mutex_ held

  std::shared_ptr<EmulatedUps> ups_;
  UMockdevIoctlBase* base_ = nullptr;
  std::mutex mutex_;
  int master_fd_ = -1;
  bool rung_ = false;  // a doorbell byte is waiting in the PTY
  bool disconnected_ = false;
};

}  // namespace walnut::devicelab
