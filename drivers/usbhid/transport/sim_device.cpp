// The simulated UPS's state: reports, the interrupt queue and the plug state.
#include "drivers/usbhid/transport/sim_device.h"

#include <algorithm>
#include <thread>
#include <cstdio>
#include <utility>

namespace walnut::usbhid {

SimDevice::SimDevice(SimDeviceImage image) : image_(std::move(image)) {
  reports_ = image_.reports;
  for (const auto& bytes : image_.interrupts) {
    if (!bytes.empty()) interrupt_queue_.push_back(bytes);
  }
}

void SimDevice::set_report(std::uint8_t id, std::vector<std::uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  auto& slot = reports_[id];
  const bool changed = slot != bytes;
  slot = bytes;
  if (changed && !bytes.empty() && image_.input_lengths.count(id) != 0 &&
      !interrupt_pipe_silent_) {
    interrupt_queue_.push_back(std::move(bytes));
    interrupt_ready_.notify_all();
  }
}

void SimDevice::queue_interrupt(std::vector<std::uint8_t> bytes) {
  if (bytes.empty()) return;
  std::lock_guard lock(mutex_);
  reports_[bytes[0]] = bytes;
  if (interrupt_pipe_silent_) return;
  interrupt_queue_.push_back(std::move(bytes));
  interrupt_ready_.notify_all();
}

void SimDevice::set_interrupt_pipe_silent(bool silent) {
  std::lock_guard lock(mutex_);
  interrupt_pipe_silent_ = silent;
  if (silent) interrupt_queue_.clear();
}

void SimDevice::unplug() {
  std::lock_guard lock(mutex_);
  if (!plugged_) return;
  plugged_ = false;
  ++generation_;
  interrupt_ready_.notify_all();
}

void SimDevice::replug() {
  std::lock_guard lock(mutex_);
  if (plugged_) return;
  plugged_ = true;
  ++generation_;
  interrupt_ready_.notify_all();
}

bool SimDevice::plugged() const {
  std::lock_guard lock(mutex_);
  return plugged_;
}

void SimDevice::set_report_log(std::string path) {
  std::lock_guard lock(mutex_);
  report_log_ = std::move(path);
}

void SimDevice::set_host_write_observer(HostWriteObserver observer) {
  std::lock_guard lock(mutex_);
  host_write_observer_ = std::move(observer);
}

std::optional<std::vector<std::uint8_t>> SimDevice::report(std::uint8_t id) const {
  std::lock_guard lock(mutex_);
  auto found = reports_.find(id);
  if (found != reports_.end()) return found->second;
  return std::nullopt;
}

std::optional<std::uint64_t> SimDevice::attach() const {
  std::lock_guard lock(mutex_);
  if (!plugged_) return std::nullopt;
  return generation_;
}

bool SimDevice::handle_valid(std::uint64_t handle) const {
  return plugged_ && handle == generation_;
}

const std::vector<std::uint8_t>* SimDevice::current_report(std::uint8_t id) {
  auto found = reports_.find(id);
  if (found != reports_.end()) return &found->second;
  // Like the oracle's fake libusb: a report the recording lacks reads as zeros of its Feature
  // length; an ID with no Feature items (Input-only) stalls GET_REPORT(Feature), as it does there
  // and on real devices, until the device has sent it on the interrupt pipe.
  std::size_t length = 0;
  if (auto f = image_.feature_lengths.find(id); f != image_.feature_lengths.end()) {
    length = f->second;
  } else if (id != 0) {
    return nullptr;
  } else {
    length = 1;
  }
  std::vector<std::uint8_t> zeros(std::max<std::size_t>(length, 1), 0);
  zeros[0] = id;
  return &(reports_[id] = std::move(zeros));
}

void SimDevice::set_slow_bus(SlowBus bus) {
  std::lock_guard lock(mutex_);
  slow_bus_ = bus;
  slow_requests_ = 0;
}

void SimDevice::set_busy(bool busy) {
  std::lock_guard lock(mutex_);
  busy_ = busy;
}

bool SimDevice::busy() const {
  std::lock_guard lock(mutex_);
  return busy_;
}

IoResult SimDevice::get_feature_report(std::uint64_t handle, std::uint8_t id,
                                       std::span<std::uint8_t> buffer) {
  std::chrono::milliseconds wait{0};
  bool timed_out = false;
  {
    std::lock_guard lock(mutex_);
    ++slow_requests_;
    timed_out = slow_bus_.timeout_every > 0 && slow_requests_ % slow_bus_.timeout_every == 0;
    wait = timed_out ? slow_bus_.timeout : slow_bus_.delay;
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
  if (timed_out) return {IoStatus::kTimeout, 0};
  std::lock_guard lock(mutex_);
  if (!handle_valid(handle)) return {IoStatus::kDeviceGone, 0};
  const auto* bytes = current_report(id);
  if (bytes == nullptr) return {IoStatus::kStall, 0};
  if (image_.overflow_on_short_request && bytes->size() > buffer.size()) {
    return {IoStatus::kIoError, 0};
  }
  const std::size_t n = std::min(buffer.size(), bytes->size());
  std::copy_n(bytes->begin(), n, buffer.begin());
  return {IoStatus::kOk, n};
}

IoResult SimDevice::set_feature_report(std::uint64_t handle, std::uint8_t id,
                                       std::span<const std::uint8_t> data) {
  std::string log_path;
  HostWriteObserver observer;
  {
    std::lock_guard lock(mutex_);
    if (!handle_valid(handle)) return {IoStatus::kDeviceGone, 0};
    reports_[id].assign(data.begin(), data.end());
    log_path = report_log_;
    observer = host_write_observer_;
  }
  if (observer) observer(id, std::vector<std::uint8_t>(data.begin(), data.end()));
  if (!log_path.empty()) {
    if (std::FILE* log = std::fopen(log_path.c_str(), "a")) {
      std::fprintf(log, "SET_REPORT 0x%02x:", id);
      for (std::uint8_t byte : data) std::fprintf(log, " %02x", byte);
      std::fprintf(log, "\n");
      std::fclose(log);
    }
  }
  return {IoStatus::kOk, data.size()};
}

IoResult SimDevice::read_interrupt(std::uint64_t handle, std::span<std::uint8_t> buffer,
                                   std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const bool woken = interrupt_ready_.wait_for(lock, timeout, [&] {
    return !handle_valid(handle) || !interrupt_queue_.empty() || host_wake_;
  });
  if (!handle_valid(handle)) return {IoStatus::kDeviceGone, 0};
  if (!woken || interrupt_queue_.empty()) {
    host_wake_ = false;
    return {IoStatus::kTimeout, 0};
  }
  std::vector<std::uint8_t> bytes = std::move(interrupt_queue_.front());
  interrupt_queue_.pop_front();
  reports_[bytes[0]] = bytes;
  const std::size_t n = std::min(buffer.size(), bytes.size());
  std::copy_n(bytes.begin(), n, buffer.begin());
  return {IoStatus::kOk, n};
}

void SimDevice::wake_host_read() {
  {
    std::lock_guard lock(mutex_);
    host_wake_ = true;
  }
  interrupt_ready_.notify_all();
}

}  // namespace walnut::usbhid
