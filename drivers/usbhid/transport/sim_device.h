// The simulated UPS behind port=sim:FILE: a recorded device's reports as mutable state, with
// unplug/replug and an interrupt queue. One small thread-safe class so a physical model or a
// control socket can drive it later; SimTransport is the host's view of it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {

// What a recorded device is: everything the sim serves, as plain data (built from a capture).
struct SimDeviceImage {
  DeviceInfo info;
  std::vector<std::uint8_t> report_descriptor;
  std::map<int, std::string> strings;  // string descriptor index -> text (1, 2, 3 = mfr, product, serial)
  // Report ID -> bytes as on the wire (report ID byte first when IDs are used).
  std::map<std::uint8_t, std::vector<std::uint8_t>> reports;
  // Report ID -> length in bytes including the ID byte, from the descriptor, per report type.
  // A GET_REPORT for an ID without recorded bytes is answered with this many zero bytes.
  std::map<std::uint8_t, std::size_t> feature_lengths;
  std::map<std::uint8_t, std::size_t> input_lengths;
  // Interrupt-IN reports the device sends first, in order (the capture's `interrupts:`).
  std::vector<std::vector<std::uint8_t>> interrupts;
  // A GET_REPORT asking fewer bytes than the report has fails as an overflowing transfer does
  // on real USB (LIBUSB_ERROR_OVERFLOW), instead of being cut: the buggy APC firmware NUT's
  // maxreport exists for. Off by default (captures replay as recorded); WALNUT_SIM_STRICT_LENGTH=1.
  bool overflow_on_short_request = false;
};

class SimDevice {
 public:
  explicit SimDevice(SimDeviceImage image);

  SimDevice(const SimDevice&) = delete;
  SimDevice& operator=(const SimDevice&) = delete;

  // --- The device side: what a physical model, a test or a control channel calls. ---

  // Replaces report `id`'s bytes (ID byte included). When the ID carries Input items and the
  // bytes differ, the device also sends them on the interrupt pipe, as a real UPS reports a
  // change of state.
  void set_report(std::uint8_t id, std::vector<std::uint8_t> bytes);
  // Sends `bytes` (ID byte first) on the interrupt pipe and stores them as that report's state.
  void queue_interrupt(std::vector<std::uint8_t> bytes);
  // The APC BX...MI fault (NUT #2644): the interrupt pipe goes silent (nothing is sent, nor
  // queued, while GET_REPORT keeps answering) until told otherwise.
  void set_interrupt_pipe_silent(bool silent);
  // A slow or busy bus (NUT #661, docs/field-failures.md #3): every GET_REPORT answered `delay`
  // late, and every `timeout_every`-th (0: none) not at all: it fails with kTimeout after
  // `timeout` (NUT's USB_TIMEOUT, 5 s). The waits are real time, outside the device's lock.
  struct SlowBus {
    std::chrono::milliseconds delay{0};
    int timeout_every = 0;
    std::chrono::milliseconds timeout{5000};
  };
  void set_slow_bus(SlowBus bus);
  // Another program holds the interface (docs/field-failures.md #5): open() fails as a busy
  // claim does until released; handles already open keep working.
  void set_busy(bool busy);
  bool busy() const;
  // Unplug: every open handle fails with kDeviceGone from now on and open() fails until replug.
  void unplug();
  void replug();
  bool plugged() const;
  // Appends every SET_REPORT the host sends to `path` as "SET_REPORT 0xID: bytes..." (the
  // format of stockhid/fakeusb.c's FAKEUSB_LOG, so parity tests compare the two). "" = off.
  void set_report_log(std::string path);
  // Called after every SET_REPORT the host sends, outside the device's lock, so a physical
  // model (drivers/usbhid/sim/) can act on the command in it. Empty = nobody listens.
  using HostWriteObserver =
      std::function<void(std::uint8_t id, const std::vector<std::uint8_t>& bytes)>;
  void set_host_write_observer(HostWriteObserver observer);
  // The current bytes of report `id` (recorded, written or zero-filled), if it exists.
  std::optional<std::vector<std::uint8_t>> report(std::uint8_t id) const;
  const SimDeviceImage& image() const { return image_; }

  // --- The host side: what SimTransport calls. `handle` is the plug generation that was
  // current when the host opened the device; a replug makes older handles stale. ---

  // The current plug generation, or nothing while unplugged.
  std::optional<std::uint64_t> attach() const;
  IoResult get_feature_report(std::uint64_t handle, std::uint8_t id, std::span<std::uint8_t> buffer);
  IoResult set_feature_report(std::uint64_t handle, std::uint8_t id,
                              std::span<const std::uint8_t> data);
  IoResult read_interrupt(std::uint64_t handle, std::span<std::uint8_t> buffer,
                          std::chrono::milliseconds timeout);
  // Ends the read_interrupt() in progress, or else the next one, with kTimeout at once (a
  // cancelled transfer: Transport::wake_interrupt_read()).
  void wake_host_read();

 private:
  bool handle_valid(std::uint64_t handle) const;  // REQUIRES: mutex_ held
  // Report `id` as served, creating it zero-filled from the descriptor length if absent.
  const std::vector<std::uint8_t>* current_report(std::uint8_t id);  // REQUIRES: mutex_ held

  const SimDeviceImage image_;
  mutable std::mutex mutex_;
  std::condition_variable interrupt_ready_;
  std::map<std::uint8_t, std::vector<std::uint8_t>> reports_;
  std::deque<std::vector<std::uint8_t>> interrupt_queue_;
  bool plugged_ = true;
  bool interrupt_pipe_silent_ = false;
  bool host_wake_ = false;
  SlowBus slow_bus_;
  int slow_requests_ = 0;
  bool busy_ = false;
  std::uint64_t generation_ = 1;
  std::string report_log_;
  HostWriteObserver host_write_observer_;
};

}  // namespace walnut::usbhid
