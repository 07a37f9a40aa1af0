// Driver figures: how long a status change made on the (simulated) UPS takes to reach a
// GET VAR client, and how much CPU a process uses while nothing happens.
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
  const std::string& line = scanner.last_line();
  std::size_t quote = line.find('"');
  if (!line.starts_with("VAR ") || quote == std::string::npos) return Error{fmt::format("GET VAR: {}", line)};
  return line.substr(quote);
}

// Runs the trigger, then polls until the value differs from `before`; returns the wait.
Result<Nanos> wait_for_change(int fd, const std::string& request, const std::string& trigger,
                              const std::string& before, int poll_us) {
  Nanos started = now_ns();
  Result<pid_t> child = spawn(trigger);
  if (!child) return Error{child.error()};
  Deadline deadline(5.0);
  Result<Nanos> outcome = Error{"status did not change within 5 s"};
  while (!deadline.passed()) {
    Result<std::string> value = get_value(fd, request);
    if (!value) { outcome = Error{value.error()}; break; }
    if (*value != before) { outcome = now_ns() - started; break; }
    std::this_thread::sleep_for(std::chrono::microseconds(poll_us));
  }
  int status = 0;
  waitpid(*child, &status, 0);
  if (outcome && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) return Error{"trigger command failed"};
  return outcome;
}

}  // namespace

Status run_status_latency(Options& options, const Target& target, ResultLine& result) {
  Result<int> samples = integer_option(options, "samples", 20, 1);
  Result<int> poll_us = integer_option(options, "poll-us", 500, 0);
  std::string on = options.text("trigger-on", "");
  std::string off = options.text("trigger-off", "");
  std::string variable = options.text("var", "ups.status");
  if (!samples) return Error{samples.error()};
  if (!poll_us) return Error{poll_us.error()};
  if (on.empty() || off.empty()) return Error{"status-latency needs --trigger-on and --trigger-off"};
  Result<int> fd = connect_blocking(target.endpoint);
  if (!fd) return Error{fd.error()};
  std::string request = get_var_request(target, variable);
  LatencyHistogram latency;
  Status status = Ok{};
  for (int sample = 0; sample < *samples && status; ++sample) {
    Result<std::string> before = get_value(*fd, request);
    if (!before) { status = Error{before.error()}; break; }
    Result<Nanos> waited = wait_for_change(*fd, request, sample % 2 == 0 ? on : off, *before, *poll_us);
    if (!waited) { status = Error{waited.error()}; break; }
    latency.record(*waited);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  close_with_reset(*fd);
  result.add("samples", static_cast<double>(latency.count()));
  result.add("median_ms", static_cast<double>(latency.percentile(50)) / 1e6);
  result.add("p90_ms", static_cast<double>(latency.percentile(90)) / 1e6);
  result.add("max_ms", static_cast<double>(latency.percentile(100)) / 1e6);
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
  CpuMeter meter(process);
  std::this_thread::sleep_for(std::chrono::duration<double>(*seconds));
  double percent = meter.percent();
  Result<ProcessSample> last = sample_process(process);
  result.add("seconds", *seconds);
  result.add("cpu_pct", std::round(percent * 1000) / 1000);
  if (last) result.add("rss_kb", static_cast<double>(last->rss_kb));
  return Ok{};
}

}  // namespace walnut::bench
