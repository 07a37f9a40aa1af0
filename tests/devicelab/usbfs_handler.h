// The emulated UPS's usbfs node (/dev/bus/usb/BBB/DDD) as umockdev serves it: answers the ioctls
// libusb-1.0 issues (URBs, claim, detach, capabilities) from an EmulatedUps, like the kernel would.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "tests/devicelab/emulated_ups.h"

typedef struct _UMockdevIoctlBase UMockdevIoctlBase;
typedef struct _UMockdevIoctlClient UMockdevIoctlClient;
typedef struct _UMockdevIoctlData UMockdevIoctlData;

namespace walnut::devicelab {

class UsbfsHandler {
 public:
  explicit UsbfsHandler(std::shared_ptr<EmulatedUps> ups);
  ~UsbfsHandler();
  UsbfsHandler(const UsbfsHandler&) = delete;
  UsbfsHandler& operator=(const UsbfsHandler&) = delete;

  // The umockdev object to attach to the device node (owned by this handler).
  UMockdevIoctlBase* ioctl_base() const { return base_; }

  // Unplug: in-flight URBs end with -ESHUTDOWN and every later ioctl fails with ENODEV, as
  // usbfs does for a disconnected device. Irreversible: a replug is a new node and handler.
  void disconnect();

  // What the host did to the interface: whether "usbhid" is still bound, whether it is claimed.
  bool kernel_driver_bound() const;
  bool interface_claimed() const;
  // The number of the interface the host claimed, the last one claimed.
  std::optional<unsigned> claimed_interface() const;
  // Claims exclusive per open file, as usbfs: a claim while another open file holds the
  // interface fails with EBUSY (a second process on the same UPS). Off by default: umockdev
  // reports a closed file late, so a driver reopening the device would meet its own old claim.
  void set_exclusive_claims(bool exclusive);
  int ioctl_count() const;
  // The last USBDEVFS_SETINTERFACE (interface, alternate setting), if the host sent one.
  std::optional<std::pair<unsigned, unsigned>> last_set_interface() const;

 private:
  struct Completion {  // a finished URB waiting to be reaped
    std::uint64_t urb = 0;
    int status = 0;
    int actual_length = 0;
    std::size_t data_offset = 0;  // where the data goes in the URB buffer (8 for control)
    Bytes data;
    // A slow bus: not reapable before this (time_point::max(): only a DISCARDURB ends it).
    std::chrono::steady_clock::time_point ready_at{};
  };
  struct Client {
    std::deque<Completion> done;
    std::optional<std::uint64_t> pending_interrupt;  // URB address
    int pending_length = 0;
  };

  static int on_ioctl(UMockdevIoctlBase* base, UMockdevIoctlClient* client, void* self);
  static void on_vanished(UMockdevIoctlBase* base, UMockdevIoctlClient* client, void* self);
  void handle(UMockdevIoctlClient* client);
  void submit(UMockdevIoctlClient* client, Client& state);
  void reap(UMockdevIoctlClient* client, Client& state);
  void discard(UMockdevIoctlClient* client, Client& state);
  void usbfs_ioctl(UMockdevIoctlClient* client);
  // REQUIRES: mutex_ held.
  void answer_claim(UMockdevIoctlClient* client, bool disconnect, UMockdevIoctlData* arg);

  std::shared_ptr<EmulatedUps> ups_;
  UMockdevIoctlBase* base_ = nullptr;
  mutable std::mutex mutex_;
  std::map<UMockdevIoctlClient*, Client> clients_;
  bool disconnected_ = false;
  bool driver_bound_ = true;
  UMockdevIoctlClient* claimed_by_ = nullptr;  // the open file holding the interface
  bool exclusive_claims_ = false;
  std::optional<unsigned> claimed_interface_;  // the last claim's interface
  std::optional<std::pair<unsigned, unsigned>> last_set_interface_;
  int ioctl_count_ = 0;
};

}  // namespace walnut::devicelab
