// Driver figures: how long a status change made on the (simulated) UPS takes to reach a
// GET VAR client, and how much CPU a process uses while nothing happens.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <random>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/bench/latency_histogram.h"
#include "tests/bench/process_probe.h"
#include "tests/bench/reply_scanner.h"
#include "tests/bench/scenario.h"
#include "tests/bench/sim_control.h"

extern char** environ;

namespace walnut::bench {
namespace {

// Starts `command` (words split on spaces, no shell) and returns its pid.
Result<pid_t> spawn(const std::string& command) {
  std::istringstream words(command);
  std::vector<std::string> arguments;
  for (std::string word; words >> word;) arguments.push_back(word);
  if (arguments.empty()) return Error{"empty trigger command"};
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int error = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (error != 0) return Error{fmt::format("spawn {}: {}", arguments[0], std::strerror(error))};
  return pid;
}

// The value part of a `VAR ups name "value"` reply.
Result<std::string> get_value(int fd, const std::string& request) {
  if (Status sent = send_all(fd, request); !sent) return Error{sent.error()};
  ReplyScanner scanner(ReplyShape::kOneLine);
  std::array<char, 4096> buffer;
  while (scanner.lines() == 0) {
    ssize_t received = recv(fd, buffer.data(), buffer.size(), 0);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) return Error{"GET VAR: no reply"};
    scanner.feed(std::string_view(buffer.data(), static_cast<std::size_t>(received)));
  }
  // An ERR reply (DATA-STALE while the device is unplugged) is a value too: the one a
  // client sees.
  const std::string& line = scanner.last_line();
  std::size_t quote = line.find('"');
  if (line.starts_with("ERR ")) return line;
  if (!line.starts_with("VAR ") || quote == std::string::npos) return Error{fmt::format("GET VAR: {}", line)};
  return line.substr(quote);
}

// How a change is made: a command (its start-up time counts in the figure), or a signal to
// a process (walnut's sim driver unplugs on SIGUSR1 and replugs on SIGUSR2).
struct Trigger {
  std::string command;
  pid_t pid = 0;
  int signal = 0;
  std::string control_socket;  // the sim's control socket, and the line to send it
  std::string control_line;
  std::string fifo;  // stock's driver over fakeusb: its FAKEUSB_INTERRUPT_FIFO, and the report
  std::string fifo_line;
};

// Pulls the trigger; returns when the change counts from (and the spawned command's pid, if
// any, for reap_trigger()).
Result<Nanos> pull(const Trigger& trigger, double timeout, pid_t& child) {
  Nanos started = now_ns();
  child = 0;
  if (!trigger.fifo.empty()) {
    // The interrupt report, handed to fakeusb: it arrives at the transport now.
    const int fd = ::open(trigger.fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return Error{fmt::format("{}: {}", trigger.fifo, std::strerror(errno))};
    // "16 0a 00 00 00;13 00": reports separated by ';', one line each.
    std::string line = trigger.fifo_line + "\n";
    std::replace(line.begin(), line.end(), ';', '\n');
    started = now_ns();
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!written) return Error{fmt::format("{}: short write", trigger.fifo)};
  } else if (!trigger.control_socket.empty()) {
    // The sim answers once it has applied the command (reports written, interrupt queued):
    // the wait is timed from there, so the sim's own control-socket polling is not counted.
    Result<std::string> applied = send_sim_control(trigger.control_socket, trigger.control_line, timeout);
    if (!applied) return Error{applied.error()};
    started = now_ns();
  } else if (trigger.pid != 0) {
    if (kill(trigger.pid, trigger.signal) != 0) return Error{fmt::format("kill: {}", std::strerror(errno))};
  } else {
    Result<pid_t> spawned = spawn(trigger.command);
    if (!spawned) return Error{spawned.error()};
    child = *spawned;
  }
  return started;
}

// Waits for a trigger command pull() spawned; an error if it failed.
Status reap_trigger(pid_t child) {
  int status = 0;
  if (child != 0 && (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
    return Error{"trigger command failed"};
  }
  return Ok{};
}

// Pulls the trigger, then polls until the value differs from `before`; returns the wait.
Result<Nanos> wait_for_change(int fd, const std::string& request, const Trigger& trigger,
                              const std::string& before, int poll_us, double timeout) {
  pid_t child = 0;
  Result<Nanos> started = pull(trigger, timeout, child);
  if (!started) return Error{started.error()};
  Deadline deadline(timeout);
  Result<Nanos> outcome = Error{fmt::format("{} did not change within {} s", request.substr(0, request.size() - 1), timeout)};
  while (!deadline.passed()) {
    Result<std::string> value = get_value(fd, request);
    if (!value) { outcome = Error{value.error()}; break; }
    if (*value != before) { outcome = now_ns() - *started; break; }
    std::this_thread::sleep_for(std::chrono::microseconds(poll_us));
  }
  if (Status reaped = reap_trigger(child); !reaped && outcome) return Error{reaped.error()};
  return outcome;
}

// A reader of the driver's own socket (NUT's state socket, as upsd reads it): the variable's
// value as the driver's broadcasts tell it, seen the moment the driver writes it (no polling).
class DriverSocketWatch {
 public:
  DriverSocketWatch() = default;
  DriverSocketWatch(const DriverSocketWatch&) = delete;
  DriverSocketWatch& operator=(const DriverSocketWatch&) = delete;
  ~DriverSocketWatch() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Connects and learns the present value from DUMPALL.
  Status open(const std::string& path, const std::string& variable, double timeout) {
    variable_ = variable;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) return Error{"driver socket path too long"};
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
      return Error{fmt::format("driver socket {}: {}", path, std::strerror(errno))};
    }
    if (Status sent = send_all(fd_, "DUMPALL\n"); !sent) return sent;
    Deadline deadline(timeout);
    std::string line;
    while (line != "DUMPDONE") {
      Result<std::string> next = next_line(deadline);
      if (!next) return Error{next.error()};
      line = *next;
    }
    return Ok{};
  }

  const std::string& value() const { return value_; }

  // Reads broadcasts until the variable takes another value; returns when that line arrived.
  Result<Nanos> wait_for_change(const Deadline& deadline) {
    const std::string before = value_;
    while (value_ == before) {
      Result<std::string> line = next_line(deadline);
      if (!line) return Error{line.error()};
    }
    return now_ns();
  }

 private:
  // The next line (without its newline), noting the variable's SETINFO on the way.
  Result<std::string> next_line(const Deadline& deadline) {
    std::size_t newline;
    while ((newline = buffer_.find('\n')) == std::string::npos) {
      pollfd entry{fd_, POLLIN, 0};
      const int ready = ::poll(&entry, 1, deadline.remaining_ms());
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return Error{fmt::format("{} did not change in time on the driver socket", variable_)};
      std::array<char, 4096> chunk;
      const ssize_t received = ::recv(fd_, chunk.data(), chunk.size(), 0);
      if (received < 0 && errno == EINTR) continue;
      if (received <= 0) return Error{"the driver closed its socket"};
      buffer_.append(chunk.data(), static_cast<std::size_t>(received));
    }
    std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    // SETINFO ups.status "OB DISCHRG" (quoted values carry no escapes worth undoing here).
    const std::string prefix = "SETINFO " + variable_ + " ";
    if (line.starts_with(prefix)) {
      std::string value = line.substr(prefix.size());
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      value_ = value;
    }
    return line;
  }

  int fd_ = -1;
  std::string variable_;
  std::string value_;
  std::string buffer_;
};

// status-latency --driver-socket: the same changes, timed until the driver's socket carries
// them (the driver alone, no upsd in between).
// Between changes: 50 ms, or with --pause-max-ms a pause drawn between 50 ms and that
// (fixed seed), so that changes land at every phase of the driver's poll cycle: a driver that
// reads its pipe once a poll would otherwise be met at the same point of it every time.
Status driver_socket_latency(const std::string& path, const std::string& variable, int samples,
                             double timeout, int pause_max_ms, const Trigger& on,
                             const Trigger& off, LatencyHistogram& there, LatencyHistogram& back) {
  DriverSocketWatch watch;
  if (Status opened = watch.open(path, variable, timeout); !opened) return opened;
  std::mt19937 random(19);
  std::uniform_int_distribution<int> pause_ms(50, std::max(50, pause_max_ms));
  for (int sample = 0; sample < 2 * samples; ++sample) {
    const bool going = sample % 2 == 0;
    pid_t child = 0;
    Result<Nanos> started = pull(going ? on : off, timeout, child);
    if (!started) return Error{started.error()};
    Result<Nanos> seen = watch.wait_for_change(Deadline(timeout));
    if (Status reaped = reap_trigger(child); !reaped) return reaped;
    if (!seen) return Error{seen.error()};
    Nanos from = *started;
    const Trigger& trigger = going ? on : off;
    if (!trigger.control_socket.empty()) {
      // The driver often has the change out before the sim's OK: time it from the moment the
      // sim started writing the reports and queueing their interrupts (`status`: applied_ns,
      // on this host's monotonic clock), which is at or before the interrupt's arrival.
      Result<std::string> status = send_sim_control(trigger.control_socket, "status", timeout);
      if (!status) return Error{status.error()};
      const std::size_t at = status->find("applied_ns: ");
      if (at == std::string::npos) return Error{"the sim's status has no applied_ns"};
      from = std::stoll(status->substr(at + 12));
    }
    (going ? there : back).record(*seen - from);
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
  }
  return Ok{};
}

// Waits until the value is data rather than an ERR: a server may still be recovering from
// a previous run's replug, and a change is only measurable from a known, healthy start.
Status settle(int fd, const std::string& request, double timeout) {
  Deadline deadline(timeout);
  while (!deadline.passed()) {
    Result<std::string> value = get_value(fd, request);
    if (!value) return Error{value.error()};
    if (!value->starts_with("ERR ")) return Ok{};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Error{fmt::format("{} still an ERR after {} s", request.substr(0, request.size() - 1), timeout)};
}

Result<Trigger> trigger_from(Options& options, const std::string& which) {
  Trigger trigger;
  trigger.command = options.text("trigger-" + which, "");
  Result<double> pid = options.number("signal-pid", 0);
  Result<double> signal = options.number("signal-" + which, 0);
  if (!pid || !signal) return Error{pid ? signal.error() : pid.error()};
  trigger.pid = static_cast<pid_t>(*pid);
  trigger.signal = static_cast<int>(*signal);
  trigger.control_socket = options.text("control-socket", "");
  trigger.control_line = options.text("control-" + which, "");
  trigger.fifo = options.text("fifo", "");
  trigger.fifo_line = options.text("fifo-" + which, "");
  if (trigger.pid == 0 && trigger.command.empty() && trigger.control_line.empty() &&
      trigger.fifo_line.empty()) {
    return Error{fmt::format("status-latency needs --trigger-{0} CMD, --signal-pid PID --signal-{0} N, "
                             "--control-socket PATH --control-{0} LINE or --fifo PATH --fifo-{0} BYTES", which)};
  }
  if (!trigger.fifo_line.empty() && trigger.fifo.empty()) return Error{"--fifo-" + which + " needs --fifo"};
  if (!trigger.control_line.empty() && trigger.control_socket.empty()) {
    return Error{"--control-" + which + " needs --control-socket"};
  }
  return trigger;
}

}  // namespace

Status run_status_latency(Options& options, const Target& target, ResultLine& result) {
  Result<int> samples = integer_option(options, "samples", 20, 1);
  Result<int> poll_us = integer_option(options, "poll-us", 500, 0);
  Result<double> timeout = options.number("timeout", 5.0);
  Result<Trigger> on = trigger_from(options, "on");
  Result<Trigger> off = trigger_from(options, "off");
  std::string variable = options.text("var", "ups.status");
  if (!samples) return Error{samples.error()};
  if (!poll_us) return Error{poll_us.error()};
  if (!timeout) return Error{timeout.error()};
  if (!on || !off) return Error{on ? off.error() : on.error()};
  // Changes and changes back are timed apart: going back may take a different path (a
  // replugged device is found again by the driver's reconnect with back-off).
  LatencyHistogram there, back;
  Status status = Ok{};
  Result<int> pause_max_ms = integer_option(options, "pause-max-ms", 50, 50);
  if (!pause_max_ms) return Error{pause_max_ms.error()};
  if (std::string driver_socket = options.text("driver-socket", ""); !driver_socket.empty()) {
    status = driver_socket_latency(driver_socket, variable, *samples, *timeout, *pause_max_ms, *on,
                                   *off, there, back);
  } else {
    Result<int> fd = connect_blocking(target.endpoint);
    if (!fd) return Error{fd.error()};
    std::string request = get_var_request(target, variable);
    status = settle(*fd, request, *timeout);
    for (int sample = 0; sample < 2 * *samples && status; ++sample) {
      Result<std::string> before = get_value(*fd, request);
      if (!before) { status = Error{before.error()}; break; }
      bool going = sample % 2 == 0;
      Result<Nanos> waited = wait_for_change(*fd, request, going ? *on : *off, *before, *poll_us, *timeout);
      if (!waited) { status = Error{waited.error()}; break; }
      (going ? there : back).record(*waited);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    close_with_reset(*fd);
  }
  result.add("samples", static_cast<double>(there.count()));
  result.add("median_ms", static_cast<double>(there.percentile(50)) / 1e6);
  result.add("p90_ms", static_cast<double>(there.percentile(90)) / 1e6);
  result.add("p99_ms", static_cast<double>(there.percentile(99)) / 1e6);
  result.add("max_ms", static_cast<double>(there.percentile(100)) / 1e6);
  result.add("back_median_ms", static_cast<double>(back.percentile(50)) / 1e6);
  result.add("back_max_ms", static_cast<double>(back.percentile(100)) / 1e6);
  return status;
}

Status run_cpu(Options& options, const Target& target, ResultLine& result) {
  Result<double> seconds = options.number("seconds", 10.0);
  Result<double> pid = options.number("pid", target.server_pid);
  if (!seconds) return Error{seconds.error()};
  if (!pid || *pid <= 0) return Error{"cpu needs --pid or --server-pid"};
  auto process = static_cast<pid_t>(*pid);
  Result<ProcessSample> first = sample_process(process);
  if (!first) return Error{first.error()};
  CpuMeter meter(process, /*precise=*/true);
  std::this_thread::sleep_for(std::chrono::duration<double>(*seconds));
  double percent = meter.percent();
  Result<ProcessSample> last = sample_process(process);
  result.add("seconds", *seconds);
  result.add("cpu_pct", std::round(percent * 10000) / 10000);
  if (last) result.add("rss_kb", static_cast<double>(last->rss_kb));
  return Ok{};
}

}  // namespace walnut::bench
