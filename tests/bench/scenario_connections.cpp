// Many connections: a burst of simultaneous connects (stock: backlog 16, one accept per loop,
// SYN retransmits after 1 s) and thousands of idle connections (memory, a fresh client's wait).
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "tests/bench/client_pool.h"
#include "tests/bench/latency_histogram.h"
#include "tests/bench/process_probe.h"
#include "tests/bench/scenario.h"

namespace walnut::bench {
namespace {

// A new client's whole wait: connect, one GET VAR, its reply.
Result<Nanos> fresh_client_wait(const Target& target) {
  Nanos started = now_ns();
  Result<int> fd = connect_blocking(target.endpoint);
  if (!fd) return Error{fd.error()};
  std::string request = get_var_request(target, "ups.status");
  Status sent = send_all(*fd, request);
  ReplyScanner scanner(ReplyShape::kOneLine);
  std::array<char, 4096> buffer;
  while (sent && scanner.lines() == 0) {
    ssize_t received = recv(*fd, buffer.data(), buffer.size(), 0);
    if (received < 0 && errno == EINTR) continue;
    if (received <= 0) break;
    scanner.feed(std::string_view(buffer.data(), static_cast<std::size_t>(received)));
  }
  close_with_reset(*fd);
  if (scanner.lines() == 0) return Error{"fresh client: no reply"};
  return now_ns() - started;
}

long server_rss_kb(const Target& target) {
  Result<ProcessSample> sample = sample_process(target.server_pid);
  return sample ? sample->rss_kb : -1;
}

}  // namespace

Status run_burst(Options& options, const Target& target, ResultLine& result) {
  Result<int> connections = integer_option(options, "connections", 300, 1);
  Result<double> timeout = options.number("timeout", 15.0);
  if (!connections) return Error{connections.error()};
  if (!timeout) return Error{timeout.error()};
  if (Status raised = raise_open_file_limit(static_cast<std::size_t>(*connections + 64)); !raised) return raised;
  ClientPool pool(target.endpoint, get_var_request(target, "ups.status"), ReplyShape::kOneLine);
  if (Status opened = pool.open(*connections, 1, *connections); !opened) return opened;
  Nanos started = now_ns();
  if (Status ran = pool.run(Deadline(*timeout)); !ran) return ran;
  double seconds = static_cast<double>(now_ns() - started) / 1e9;
  // Handshakes are what a dropped SYN delays (1 s retransmit); answers also wait for the
  // server to accept, and for a request retransmitted into a connection it had not accepted.
  LatencyHistogram& handshake = pool.stats().connected;
  LatencyHistogram& answered = pool.stats().first_reply;
  result.add("connections", *connections);
  result.add("served", pool.served());
  result.add("failed", pool.failed());
  result.add("connected", static_cast<double>(handshake.count()));
  result.add("connect_p50_ms", static_cast<double>(handshake.percentile(50)) / 1e6);
  result.add("connect_p99_ms", static_cast<double>(handshake.percentile(99)) / 1e6);
  result.add("served_p50_ms", static_cast<double>(answered.percentile(50)) / 1e6);
  result.add("served_p99_ms", static_cast<double>(answered.percentile(99)) / 1e6);
  result.add("served_max_ms", static_cast<double>(answered.percentile(100)) / 1e6);
  result.add("seconds", seconds);
  return Ok{};
}

Status run_idle(Options& options, const Target& target, ResultLine& result) {
  Result<int> connections = integer_option(options, "connections", 10000, 1);
  Result<int> fresh_samples = integer_option(options, "fresh-samples", 5, 1);
  Result<double> cpu_window = options.number("cpu-window", 1.0);
  Result<double> settle = options.number("settle", 0.3);
  if (!cpu_window || !settle) return Error{cpu_window ? settle.error() : cpu_window.error()};
  if (!connections) return Error{connections.error()};
  if (!fresh_samples) return Error{fresh_samples.error()};
  if (Status raised = raise_open_file_limit(static_cast<std::size_t>(*connections + 64)); !raised) return raised;
  long rss_before = server_rss_kb(target);
  ClientPool pool(target.endpoint, get_var_request(target, "ups.status"), ReplyShape::kOneLine);
  if (Status opened = pool.open(*connections, 1, kOpenWindow); !opened) return opened;
  Nanos started = now_ns();
  Status served = serve_all(pool, *connections, 120, "idle connections");
  double open_seconds = static_cast<double>(now_ns() - started) / 1e9;
  // Let the server settle (buffers released after the one request) before measuring.
  std::this_thread::sleep_for(std::chrono::duration<double>(*settle));
  long rss_after = server_rss_kb(target);
  CpuMeter server_cpu(target.server_pid);
  std::this_thread::sleep_for(std::chrono::duration<double>(*cpu_window));
  double idle_cpu = server_cpu.percent();
  LatencyHistogram fresh;
  for (int sample = 0; sample < *fresh_samples; ++sample) {
    Result<Nanos> wait = fresh_client_wait(target);
    if (!wait) return Error{wait.error()};
    fresh.record(*wait);
  }
  if (Status ran = pool.run(Deadline(0.05)); !ran) return ran;
  result.add("connections", *connections);
  result.add("served", pool.served());
  result.add("dropped", pool.failed());
  result.add("open_seconds", open_seconds);
  result.add("fresh_ms", static_cast<double>(fresh.percentile(50)) / 1e6);
  if (target.server_pid != 0) {
    result.add("rss_base_kb", static_cast<double>(rss_before));
    result.add("rss_kb", static_cast<double>(rss_after));
    result.add("rss_per_conn_kb",
               static_cast<double>(rss_after - rss_before) / static_cast<double>(std::max(1, pool.served())));
    result.add("server_cpu_pct", idle_cpu);
  }
  return served;
}

}  // namespace walnut::bench
