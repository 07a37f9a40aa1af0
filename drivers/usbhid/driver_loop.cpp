// DriverLoop: scheduling, staleness and reattachment around UpsDevice.
#include "drivers/usbhid/driver_loop.h"

#include <algorithm>
#include <utility>

#include "common/log.h"
#include "common/startup_pages.h"
#include "drivers/usbhid/driver_core.h"

namespace walnut::usbhid {
namespace {

// The longest single interrupt read on a transport that cannot be woken, so queued commands
// and stop() wait at most this long.
constexpr std::chrono::milliseconds kMaxInterruptWait{500};
// On a transport that can (Transport::wake_interrupt_read): one read until the next poll, but
// a turn at least this often, as wait_until() makes, so the watchdog's heartbeat moves.
constexpr std::chrono::milliseconds kMaxWakeableInterruptWait{5000};
// NUT's status for a command that could not reach the device (STAT_INSTCMD_FAILED), and for
// a SET that could not (STAT_SET_UNKNOWN: setvar's answer to a failed write).
constexpr int kInstCmdFailed = 3;
constexpr int kSetUnknown = 1;
// STAT_INSTCMD_INVALID: driver.killpower while driver.flag.allow_killpower is not 1.
constexpr int kInstCmdInvalid = 2;

}  // namespace

std::vector<std::string> shutdown_commands(const std::optional<std::string>& sdcommands) {
  const std::vector<std::string> stock = {"shutdown.return", "shutdown.reboot", "load.off.delay",
                                          "shutdown.stayoff"};
  if (!sdcommands) return stock;
  std::vector<std::string> commands;
  std::string_view rest = *sdcommands;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    if (item == "shutdown.default") {
      commands.insert(commands.end(), stock.begin(), stock.end());
    } else {
      commands.emplace_back(item);
    }
  }
  return commands;
}

std::chrono::milliseconds reconnect_delay(int attempt, std::chrono::seconds poll_interval,
                                          std::chrono::seconds wait_before_reconnect) {
  const std::chrono::milliseconds cap =
      std::max<std::chrono::milliseconds>(poll_interval, std::chrono::seconds(8));
  std::chrono::milliseconds delay{1000};
  for (int i = 1; i < attempt && delay < cap; ++i) delay *= 2;
  return std::max<std::chrono::milliseconds>(std::min(delay, cap), wait_before_reconnect);
}

bool interrupt_pipe_too_quiet(long quiet_polls, long tolerance) {
  return tolerance >= 0 && quiet_polls > tolerance;
}

bool power_source_changed(std::string_view status_before, std::string_view status_now) {
  const auto source = [](std::string_view status) {
    std::string tokens;
    while (!status.empty()) {
      const auto space = status.find(' ');
      const std::string_view token = status.substr(0, space);
      status = space == std::string_view::npos ? std::string_view{} : status.substr(space + 1);
      if (token == "OL" || token == "OB") tokens += token;
    }
    return tokens;
  };
  return source(status_before) != source(status_now);
}

bool interrupt_pipe_dead(int suspect_walks) { return suspect_walks >= 2; }

DriverLoop::DriverLoop(asio::io_context& io, UpsDevice& device, UpsState state,
                       SnapshotHandler snapshot, Now now)
    : io_(io),
      device_(device),
      state_(std::move(state)),
      snapshot_(std::move(snapshot)),
      now_(std::move(now)),
      configured_debug_(log::debug_level()) {}

DriverLoop::~DriverLoop() { stop(); }

void DriverLoop::prepare() {
  const auto now = now_();
  last_full_ = now;
  next_poll_ = now + device_.options().poll_interval;
  state_.set_data_ok(true);
  publish();
}

void DriverLoop::start() {
  prepare();
  thread_ = std::thread([this] { run(); });
}

void DriverLoop::start_driven() { prepare(); }

void DriverLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  device_.transport().wake_interrupt_read();
  if (thread_.joinable()) thread_.join();
}

void DriverLoop::submit_instcmd(std::string name, std::optional<std::string> value, Done done) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(Command{false, std::move(name), std::move(value), std::move(done)});
  }
  wake_.notify_all();
  device_.transport().wake_interrupt_read();
}

void DriverLoop::submit_set(std::string name, std::string value, Done done) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(Command{true, std::move(name), std::move(value), std::move(done)});
  }
  wake_.notify_all();
  device_.transport().wake_interrupt_read();
}

void DriverLoop::publish() {
  // An unchanged state would make an empty diff on the io_context's thread: spare the copy
  // and that thread's wake-up (every poll of a quiet UPS).
  if (published_ && state_.generation() == published_generation_) return;
  published_ = true;
  published_generation_ = state_.generation();
  asio::post(io_, [this, snapshot = state_] { snapshot_(snapshot); });
}

bool DriverLoop::wait_until(Clock::time_point deadline) {
  // Turn at least this often, so the watchdog's heartbeat moves even with long intervals.
  deadline = std::min(deadline, now_() + std::chrono::seconds(5));
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, deadline, [this] { return stopping_ || !commands_.empty(); });
  return !stopping_;
}

void DriverLoop::run_commands() {
  std::deque<Command> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(commands_);
  }
  bool changed = false;
  for (auto& command : pending) {
    int status = command.is_set ? kSetUnknown : kInstCmdFailed;
    if (command.is_set && is_driver_core_variable(command.name)) {
      // main.c main_setvar: the driver's own settings, with or without the device.
      const auto before = state_.generation();
      const CoreSet set = set_driver_core_variable(command.name, command.value.value_or(""),
                                                   configured_debug_, state_);
      if (set.debug_level) log::set_debug_level(*set.debug_level);
      status = set.status;
      changed = changed || state_.generation() != before;
    } else if (!command.is_set && command.name == "driver.killpower" &&
               !killpower_allowed(state_)) {
      log::error("Got socket protocol request to power off, but driver.flag.allow_killpower "
                 "does not permit this - request was ignored");
      status = kInstCmdInvalid;
    } else if (connected_) {
      bool lost = false;
      const auto before = state_.generation();
      if (command.is_set) {
        status = device_.setvar(command.name, command.value.value_or(""), state_, lost);
      } else {
        std::optional<std::string_view> value;
        if (command.value) value = *command.value;
        if (command.name == "driver.killpower" || command.name == "shutdown.default") {
          // main.c: driver.killpower is the socket's -k, trying `sdcommands`; shutdown.default
          // (main.c:1070-1091) is upsdrv_shutdown, the driver's own sequence. The first
          // command the UPS accepts powers the load off.
          const auto& sdcommands = command.name == "driver.killpower"
                                       ? device_.options().sdcommands
                                       : std::optional<std::string>{};
          for (const auto& shutdown : shutdown_commands(sdcommands)) {
            status = device_.instcmd(shutdown, std::nullopt, state_, lost);
            if (status == 0 || lost) break;
          }
        } else {
          status = device_.instcmd(command.name, value, state_, lost);
        }
      }
      log::debug(1, "{} {}: status {}", command.is_set ? "SET" : "INSTCMD", command.name, status);
      changed = changed || state_.generation() != before;
      if (lost) lose_device("lost while sending a command");
    }
    asio::post(io_, [done = std::move(command.done), status] { done(status); });
  }
  // A successful write makes the model ask for a full walk: do it now, not a poll later.
  if (connected_ && device_.full_walk_requested()) next_poll_ = now_();
  if (changed) publish();
}

void DriverLoop::lose_device(const char* why) {
  if (!connected_) return;
  log::warning("UPS device {}: going stale, will reattach", why);
  device_.close();
  connected_ = false;
  ++losses_;
  reconnect_attempts_ = 0;
  next_reconnect_ = now_() + reconnect_delay(1, device_.options().poll_interval,
                                                   device_.options().wait_before_reconnect);
  state_.set_data_ok(false);
  // usbhid-ups.c:2411, 2536: NUT sets it at each loss and each reopen attempt (and "quiet"
  // again after each update); walnut holds it for the whole outage.
  state_.set_info("driver.state", kStateReconnect);
  publish();
}

void DriverLoop::try_reattach() {
  ++reconnect_attempts_;
  auto reopened = device_.reattach();
  if (reopened) {
    if (auto initialized = device_.init(state_); initialized) {
      log::notice("Device has been reconnected; communications with UPS re-established");
      connected_ = true;
      state_.set_info("driver.state", kStateQuiet);
      quiet_polls_ = 0;
      interrupt_since_poll_ = false;
      interrupt_since_walk_ = false;
      suspect_walks_ = 0;
      // The init walk has just read every report: compose ups.status from them rather than
      // GETting them again in a poll right away.
      device_.walk_cached(mapping::WalkMode::kFull, state_);
      prepare();  // as at start: the next poll one pollinterval on, the data OK and published
      // The reopen ran start-up's code again: hand its pages back as at start.
      device_.release_descriptor();
      release_startup_pages();
      return;
    }
    log::debug(1, "Reattach attempt {} failed in the init walk", reconnect_attempts_);
    device_.close();
  } else {
    log::debug(1, "Reattach attempt {} failed: {}", reconnect_attempts_, reopened.error());
  }
  next_reconnect_ = now_() + reconnect_delay(reconnect_attempts_ + 1,
                                                   device_.options().poll_interval,
                                                   device_.options().wait_before_reconnect);
}

void DriverLoop::poll(Clock::time_point now) {
  const auto& options = device_.options();
  if (device_.interrupts_enabled()) {
    // NUT counts "Got 0 HID objects" once per update; walnut's update is this poll.
    quiet_polls_ = interrupt_since_poll_ ? 0 : quiet_polls_ + 1;
    interrupt_since_poll_ = false;
    if (interrupt_pipe_too_quiet(quiet_polls_, options.interrupt_pipe_no_events_tolerance)) {
      log::warning("No interrupt report for {} polls in a row (interrupt_pipe_no_events_tolerance"
                   " = {})", quiet_polls_, options.interrupt_pipe_no_events_tolerance);
      lose_device("silent on the interrupt pipe");
      return;
    }
  }
  // A suspected silent pipe is re-read in full (every report), not only the quick items.
  const bool full = now >= last_full_ + options.poll_freq || device_.full_walk_requested() ||
                    suspect_walks_ > 0;
  const auto mode = full ? mapping::WalkMode::kFull : mapping::WalkMode::kQuick;
  const std::string* status = state_.value("ups.status");
  const std::string status_before = status ? *status : std::string{};
  // Between full walks, what the interrupt pipe delivers is not GET again, unless the pipe is
  // suspected silent (then everything is re-read above). The full walk every pollfreq GETs
  // it all: that is the cross-check of the interrupt-fed values.
  if (device_.walk(mode, state_, suspect_walks_ == 0) == LinkStatus::kLost) {
    lose_device("lost during a walk");
    return;
  }
  // The poll's place on the grid, not its wake-up: otherwise the full walk due 30 s later
  // finds itself a millisecond early and waits for the next poll (every 32 s, as stock's).
  if (full) last_full_ = std::min(now, next_poll_);
  // On the pollinterval grid rather than from this turn's wake-up, so that wake-up latency does
  // not stretch every interval (and age every polled value) by a few milliseconds.
  next_poll_ = std::max(next_poll_ + options.poll_interval, now);
  state_.set_data_ok(true);
  // What GET_REPORT says goes out at once, whatever the pipe did: a power cut is never hidden.
  publish();
  if (device_.interrupts_enabled()) cross_check_interrupt_pipe(status_before);
}

void DriverLoop::cross_check_interrupt_pipe(const std::string& status_before) {
  const std::string* status = state_.value("ups.status");
  const std::string status_now = status ? *status : std::string{};
  if (interrupt_since_walk_) {
    suspect_walks_ = 0;  // the pipe is alive (a late report of a change counts)
  } else if (suspect_walks_ > 0 || power_source_changed(status_before, status_now)) {
    ++suspect_walks_;
  }
  interrupt_since_walk_ = false;
  if (suspect_walks_ == 1) {
    // Debug only: a healthy pipe's report may simply arrive just after the walk.
    log::debug(1, "Power source changed from [{}] to [{}] on GET_REPORT with no interrupt report:"
               " re-reading on the next poll", status_before, status_now);
  } else if (interrupt_pipe_dead(suspect_walks_)) {
    log::warning("Interrupt pipe still silent after a change it never reported: reopening");
    lose_device("silent on the interrupt pipe");
  }
}

void DriverLoop::run() {
  while (true) {
    ++heartbeat_;
    if (const auto deadline = turn(); deadline && !wait_until(*deadline)) return;
    std::lock_guard lock(mutex_);
    if (stopping_) return;
  }
}

std::optional<DriverLoop::Clock::time_point> DriverLoop::turn() {
  run_commands();
  const auto now = now_();
  if (!connected_) {
    if (now >= next_reconnect_) try_reattach();
    if (!connected_) return next_reconnect_;
  }
  if (now >= next_poll_) {
    poll(now);
    return std::nullopt;
  }
  if (!device_.interrupts_enabled()) return next_poll_;
  // One read until the next poll where a queued command can cut it short; short slices where
  // it cannot. An interrupt report ends the read at once either way.
  const auto wait = std::min<std::chrono::milliseconds>(
      device_.transport().interrupt_read_wakeable() ? kMaxWakeableInterruptWait
                                                    : kMaxInterruptWait,
      std::chrono::duration_cast<std::chrono::milliseconds>(next_poll_ - now) +
          std::chrono::milliseconds(1));
  const auto before = state_.generation();
  if (device_.read_interrupt(wait, state_) == LinkStatus::kLost) {
    lose_device("lost on the interrupt pipe");
  } else if (device_.last_read_got_report()) {
    interrupt_since_poll_ = true;
    interrupt_since_walk_ = true;
  }
  if (connected_ && state_.generation() != before) {
    // The status the report carries goes out at once; then NUT's walk right after the
    // events it read fills in the rest.
    publish();
    next_poll_ = now_();
  }
  return std::nullopt;
}

}  // namespace walnut::usbhid
