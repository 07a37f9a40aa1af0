// Hostile conditions: a client that pipelines LIST VAR and never reads (stock blocks in
// write() and hangs for everyone), and the server at its open-file limit (stock spins on
// EMFILE). In both, other clients must keep being served and the server must stay idle.
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "tests/bench/client_pool.h"
#include "tests/bench/process_probe.h"
#include "tests/bench/scenario.h"

namespace walnut::bench {
namespace {

// Sends up to `count` copies of `request` without reading, until the socket is full.
int pipeline_without_reading(int fd, const std::string& request, int count) {
  std::string batch;
  for (int i = 0; i < 64; ++i) batch += request;
  int sent_requests = 0;
  Deadline deadline(2.0);
  while (sent_requests < count && !deadline.passed()) {
    ssize_t sent = send(fd, batch.data(), batch.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && errno == EAGAIN) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (sent <= 0) break;
    sent_requests += static_cast<int>(static_cast<std::size_t>(sent) / request.size());
    // A partial batch leaves a request half-sent; the rest of it is never needed.
    if (static_cast<std::size_t>(sent) < batch.size()) break;
  }
  return sent_requests;
}

// True when the server has closed or reset `fd` (it dropped the slow reader).
bool dropped_by_server(int fd) {
  char byte;
  for (int i = 0; i < 1000; ++i) {  // drain what is buffered; bounded
    ssize_t received = recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    if (received == 0) return true;
    if (received < 0) return errno != EAGAIN && errno != EINTR;
    std::array<char, 65536> sink;
    if (recv(fd, sink.data(), sink.size(), MSG_DONTWAIT) <= 0) break;
  }
  return false;
}

// Other clients during a stall: one fresh lock-step connection for `seconds`.
Result<double> others_rate(const Target& target, double seconds) {
  ClientPool other(target.endpoint, get_var_request(target, "ups.status"), ReplyShape::kOneLine);
  if (Status opened = other.open(1, 0, 1); !opened) return Error{opened.error()};
  Nanos started = now_ns();
  if (Status ran = other.run(Deadline(seconds)); !ran) return Error{ran.error()};
  return static_cast<double>(other.stats().replies) / (static_cast<double>(now_ns() - started) / 1e9);
}

}  // namespace

Status run_slow_reader(Options& options, const Target& target, ResultLine& result) {
  Result<int> requests = integer_option(options, "requests", 20000, 1);
  Result<double> window = options.number("window", 1.5);
  Result<double> settle = options.number("settle", 0.3);
  if (!requests) return Error{requests.error()};
  if (!window || !settle) return Error{window ? settle.error() : window.error()};
  Result<int> fd = start_connect(target.endpoint);
  if (!fd) return Error{fd.error()};
  int small = 4096;
  setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the connect completes
  int pipelined = pipeline_without_reading(*fd, fmt::format("LIST VAR {}\n", target.ups), *requests);
  std::this_thread::sleep_for(std::chrono::duration<double>(*settle));  // the server works through them

  CpuMeter server_cpu(target.server_pid);
  std::this_thread::sleep_for(std::chrono::duration<double>(*window));
  double stalled_cpu = server_cpu.percent();
  Result<double> rate = others_rate(target, *window);
  bool dropped = dropped_by_server(*fd);
  close_with_reset(*fd);
  result.add("pipelined", pipelined);
  result.add("others_req_per_s", rate ? static_cast<double>(static_cast<long long>(*rate)) : 0.0);
  result.add("slow_reader_dropped", dropped ? 1 : 0);
  if (target.server_pid != 0) result.add("server_cpu_pct", stalled_cpu);
  return rate ? Status(Ok{}) : Status(Error{rate.error()});
}

Status run_emfile(Options& options, const Target& target, ResultLine& result) {
  Result<int> extra = integer_option(options, "extra", 50, 1);
  Result<double> window = options.number("window", 1.5);
  if (!extra) return Error{extra.error()};
  if (!window) return Error{window.error()};
  if (target.server_pid == 0) return Error{"emfile needs --server-pid"};
  ClientPool existing(target.endpoint, get_var_request(target, "ups.status"), ReplyShape::kOneLine);
  if (Status opened = existing.open(1, 0, 1); !opened) return opened;
  if (Status served = serve_all(existing, 1, 10, "existing client"); !served) return served;

  Result<ProcessSample> before = sample_process(target.server_pid);
  if (!before) return Error{before.error()};
  rlimit original{}, lowered{};
  if (prlimit(target.server_pid, RLIMIT_NOFILE, nullptr, &original) != 0) {
    return Error{fmt::format("prlimit: {}", std::strerror(errno))};
  }
  // Room for two more files: the rest of the extra connections meet EMFILE in accept().
  lowered = original;
  lowered.rlim_cur = static_cast<rlim_t>(before->open_files + 2);
  if (prlimit(target.server_pid, RLIMIT_NOFILE, &lowered, nullptr) != 0) {
    return Error{fmt::format("prlimit: {}", std::strerror(errno))};
  }
  ClientPool waiting(target.endpoint, get_var_request(target, "ups.status"), ReplyShape::kOneLine);
  Status status = waiting.open(*extra, 1, *extra);
  if (status) status = waiting.run(Deadline(0.3));
  CpuMeter server_cpu(target.server_pid);
  std::this_thread::sleep_for(std::chrono::duration<double>(*window));
  double limit_cpu = server_cpu.percent();
  existing.reset_stats();
  Nanos started = now_ns();
  if (status) status = existing.run(Deadline(*window));
  double existing_rate = static_cast<double>(existing.stats().replies) / (static_cast<double>(now_ns() - started) / 1e9);
  int served_at_limit = waiting.served();

  prlimit(target.server_pid, RLIMIT_NOFILE, &original, nullptr);
  if (status) status = waiting.run(Deadline(3.0));
  result.add("extra", *extra);
  result.add("served_at_limit", served_at_limit);
  result.add("served_after_limit", waiting.served());
  result.add("existing_req_per_s", static_cast<double>(static_cast<long long>(existing_rate)));
  result.add("server_cpu_pct", limit_cpu);
  return status;
}

}  // namespace walnut::bench
