// Driver figures: how long a status change made on the (simulated) UPS takes to reach a
// GET VAR client, and how much CPU a process uses while nothing happens.
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
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
};

// Pulls the trigger, then polls until the value differs from `before`; returns the wait.
Result<Nanos> wait_for_change(int fd, const std::string& request, const Trigger& trigger,
                              const std::string& before, int poll_us, double timeout) {
  Nanos started = now_ns();
  pid_t child = 0;
  if (!trigger.control_socket.empty()) {
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
  Deadline deadline(timeout);
  Result<Nanos> outcome = Error{fmt::format("{} did not change within {} s", request.substr(0, request.size() - 1), timeout)};
  while (!deadline.passed()) {
    Result<std::string> value = get_value(fd, request);
    if (!value) { outcome = Error{value.error()}; break; }
    if (*value != before) { outcome = now_ns() - started; break; }
    std::this_thread::sleep_for(std::chrono::microseconds(poll_us));
  }
  int status = 0;
  if (child != 0 && (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
    if (outcome) return Error{"trigger command failed"};
  }
  return outcome;
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
  if (trigger.pid == 0 && trigger.command.empty() && trigger.control_line.empty()) {
    return Error{fmt::format("status-latency needs --trigger-{0} CMD, --signal-pid PID --signal-{0} N "
                             "or --control-socket PATH --control-{0} LINE", which)};
  }
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
  Result<int> fd = connect_blocking(target.endpoint);
  if (!fd) return Error{fd.error()};
  std::string request = get_var_request(target, variable);
  // Changes and changes back are timed apart: going back may take a different path (a
  // replugged device is found again by the driver's reconnect with back-off).
  LatencyHistogram there, back;
  Status status = settle(*fd, request, *timeout);
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
  result.add("samples", static_cast<double>(there.count()));
  result.add("median_ms", static_cast<double>(there.percentile(50)) / 1e6);
  result.add("p90_ms", static_cast<double>(there.percentile(90)) / 1e6);
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
