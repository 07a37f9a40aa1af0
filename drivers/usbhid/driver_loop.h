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
#include <string_view>
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

// Whether ups.status's power source (OL, OB) differs: the change a UPS always sends on its
// interrupt pipe (ACPresent is an Input item), unlike walnut's own debounced LB/RB or a
// self-test's DISCHRG, which a walk may change on a healthy device. Pure.
bool power_source_changed(std::string_view status_before, std::string_view status_now);

// The silent-pipe cross-check (walnut's default, docs/field-failures.md row 1): a walk's
// GET_REPORTs changed the power source while the interrupt pipe delivered no report since the
// previous walk. `suspect_walks` counts such walks in a row, the present one included; the
// first is re-read on the next walk (a healthy pipe's report may still be on its way), the
// second, still with no report, means the pipe is dead and the device is reopened. Pure.
bool interrupt_pipe_dead(int suspect_walks);

class DriverLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // Where the loop reads the time: the steady clock, or a test's simulated one.
  using Now = std::function<Clock::time_point()>;
  // Called on the io_context's thread with the working state after every change (only then).
  using SnapshotHandler = std::function<void(const UpsState&)>;
  // Receives NUT's status code of a command, on the io_context's thread.
  using Done = std::function<void(int status)>;

  // REQUIRES: device is open and initialized into `state` (which holds driver.* too).
  DriverLoop(asio::io_context& io, UpsDevice& device, UpsState state, SnapshotHandler snapshot,
             Now now = Clock::now);
  ~DriverLoop();
  DriverLoop(const DriverLoop&) = delete;
  DriverLoop& operator=(const DriverLoop&) = delete;

  void start();
  // As start(), without the thread: the caller turns the loop itself (tests, with their own
  // clock). Never together with start().
  void start_driven();
  // One turn of the loop at the clock's present time: queued commands, then a reattach or a
  // poll when one is due, else one interrupt read (at most until the next poll). Returns the
  // time to wait for when there is nothing to read (stale, or no interrupt pipe).
  std::optional<Clock::time_point> turn();
  // When the loop next has work of its own: the next poll, or the next reattach while stale.
  // Only for a caller that turns the loop itself (start_driven()).
  Clock::time_point next_due() const { return connected_ ? next_poll_ : next_reconnect_; }
  // Stops the thread (at once, or within one interrupt read on a transport that cannot be
  // woken) and joins it.
  void stop();

  // Queue a command for the device thread; callable from any thread.
  void submit_instcmd(std::string name, std::optional<std::string> value, Done done);
  void submit_set(std::string name, std::string value, Done done);

  // Counts the device thread's loop turns: a watchdog that sees it stand still knows the
  // thread is stuck (in a USB call that never returns, say).
  std::uint64_t heartbeat() const { return heartbeat_.load(); }
  // How often the device was dropped to be reopened (lost, or its interrupt pipe judged dead).
  std::uint64_t losses() const { return losses_.load(); }

 private:
  struct Command {
    bool is_set = false;
    std::string name;
    std::optional<std::string> value;
    Done done;
  };
  // A device just opened (start, or a reattach): the next poll one pollinterval on, the last
  // full walk now (its init walk), the data OK and published.
  void prepare();
  void run();
  void run_commands();
  void lose_device(const char* why);
  void try_reattach();
  void poll(Clock::time_point now);
  // After a walk: the silent-pipe cross-check (interrupt_pipe_dead), which may drop the device.
  void cross_check_interrupt_pipe(const std::string& status_before);
  void publish();
  // Waits until `deadline`, a queued command or stop; returns false on stop.
  bool wait_until(Clock::time_point deadline);

  asio::io_context& io_;
  UpsDevice& device_;
  UpsState state_;
  SnapshotHandler snapshot_;
  Now now_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Command> commands_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> heartbeat_{0};
  std::atomic<std::uint64_t> losses_{0};

  // SET driver.debug with a negative level goes back to this one (command line, ups.conf).
  const int configured_debug_;

  // Device thread only.
  bool connected_ = true;
  int reconnect_attempts_ = 0;
  long quiet_polls_ = 0;              // polls in a row with no interrupt report before them
  bool interrupt_since_poll_ = false;
  bool interrupt_since_walk_ = false;  // for the silent-pipe cross-check
  int suspect_walks_ = 0;              // walks in a row that saw a change the pipe did not send
  Clock::time_point next_poll_{};
  Clock::time_point last_full_{};
  Clock::time_point next_reconnect_{};
  // The state's generation last sent to the io_context's thread (publish() skips repeats).
  bool published_ = false;
  std::uint64_t published_generation_ = 0;
};

}  // namespace walnut::usbhid
