// The driver's main loop (NUT's upsdrv_updateinfo cycle) on a thread of its own: polls every
// pollinterval (a full walk every pollfreq), reads the interrupt pipe in between, runs queued
// INSTCMD/SET, goes stale and reattaches with backoff when the device is lost. It owns the
// device and the working state; the io_context's thread receives copies of that state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <asio.hpp>

#include "common/ups_state.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {

// The instant commands that power the load off, tried in order until the UPS accepts one (-k,
// driver.killpower): `sdcommands` (comma-separated, main.c:1415) with its "shutdown.default"
// standing for usbhid-ups's own sequence, else that sequence (shutdown.return,
// shutdown.reboot, load.off.delay, shutdown.stayoff). Pure.
std::vector<std::string> shutdown_commands(const std::optional<std::string>& sdcommands);

// How long to wait before the n-th attempt (n >= 1) to reattach a lost device: 1 s, doubling,
// at most max(pollinterval, 8 s), and never less than `wait_before_reconnect` (NUT's
// waitbeforereconnect: it sleeps that long before every reopen). Pure.
std::chrono::milliseconds reconnect_delay(int attempt, std::chrono::seconds poll_interval,
                                          std::chrono::seconds wait_before_reconnect = {});

// NUT's interrupt_pipe_no_events_tolerance (usbhid-ups.c:1428-1440): after `tolerance` polls
// in a row without an interrupt report, the next one without reconnects. -1: never. Pure.
bool interrupt_pipe_too_quiet(long quiet_polls, long tolerance);

class DriverLoop {
 public:
  // Called on the io_context's thread with the working state after every change.
  using SnapshotHandler = std::function<void(const UpsState&)>;
  // Receives NUT's status code of a command, on the io_context's thread.
  using Done = std::function<void(int status)>;

  // REQUIRES: device is open and initialized into `state` (which holds driver.* too).
  DriverLoop(asio::io_context& io, UpsDevice& device, UpsState state, SnapshotHandler snapshot);
  ~DriverLoop();
  DriverLoop(const DriverLoop&) = delete;
  DriverLoop& operator=(const DriverLoop&) = delete;

  void start();
  // Stops the thread (within one interrupt read) and joins it.
  void stop();

  // Queue a command for the device thread; callable from any thread.
  void submit_instcmd(std::string name, std::optional<std::string> value, Done done);
  void submit_set(std::string name, std::string value, Done done);

  // Counts the device thread's loop turns: a watchdog that sees it stand still knows the
  // thread is stuck (in a USB call that never returns, say).
  std::uint64_t heartbeat() const { return heartbeat_.load(); }

 private:
  struct Command {
    bool is_set = false;
    std::string name;
    std::optional<std::string> value;
    Done done;
  };
  using Clock = std::chrono::steady_clock;

  void run();
  void run_commands();
  void lose_device(const char* why);
  void try_reattach();
  void poll(Clock::time_point now);
  void publish();
  // Waits until `deadline`, a queued command or stop; returns false on stop.
  bool wait_until(Clock::time_point deadline);

  asio::io_context& io_;
  UpsDevice& device_;
  UpsState state_;
  SnapshotHandler snapshot_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Command> commands_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> heartbeat_{0};

  // SET driver.debug with a negative level goes back to this one (command line, ups.conf).
  const int configured_debug_;

  // Device thread only.
  bool connected_ = true;
  int reconnect_attempts_ = 0;
  long quiet_polls_ = 0;              // polls in a row with no interrupt report before them
  bool interrupt_since_poll_ = false;
  Clock::time_point next_poll_{};
  Clock::time_point last_full_{};
  Clock::time_point next_reconnect_{};
};

}  // namespace walnut::usbhid
