// GET VAR lock-step throughput and latency, optionally with many idle connections open
// (stock upsd scans every connection on each loop, so idle ones slow the busy ones down).
#include <fmt/format.h>

#include "tests/bench/client_pool.h"
#include "tests/bench/process_probe.h"
#include "tests/bench/scenario.h"

namespace walnut::bench {

Status run_getvar(Options& options, const Target& target, ResultLine& result) {
  Result<int> connections = integer_option(options, "connections", 64, 1);
  Result<int> idle = integer_option(options, "idle", 0, 0);
  Result<double> duration = options.number("duration", 3.0);
  Result<double> warmup = options.number("warmup", 0.5);
  std::string variable = options.text("var", "ups.status");
  if (!connections) return Error{connections.error()};
  if (!idle) return Error{idle.error()};
  if (!duration || !warmup) return Error{duration ? warmup.error() : duration.error()};
  if (Status raised = raise_open_file_limit(static_cast<std::size_t>(*connections + *idle + 64)); !raised) {
    return raised;
  }
  std::string request = get_var_request(target, variable);

  ClientPool idle_pool(target.endpoint, request, ReplyShape::kOneLine);
  if (Status opened = idle_pool.open(*idle, 1, kOpenWindow); !opened) return opened;
  if (Status served = serve_all(idle_pool, *idle, 120, "idle connections"); !served) return served;

  ClientPool busy(target.endpoint, request, ReplyShape::kOneLine);
  if (Status opened = busy.open(*connections, 0, kOpenWindow); !opened) return opened;
  if (Status served = serve_all(busy, *connections, 30, "busy connections"); !served) return served;
  if (Status warmed = busy.run(Deadline(*warmup)); !warmed) return warmed;
  busy.reset_stats();

  CpuMeter server_cpu(target.server_pid), own_cpu(0);
  Nanos started = now_ns();
  if (Status ran = busy.run(Deadline(*duration)); !ran) return ran;
  double seconds = static_cast<double>(now_ns() - started) / 1e9;
  double server_percent = server_cpu.percent(), own_percent = own_cpu.percent();

  PoolStats& stats = busy.stats();
  result.add("connections", *connections);
  result.add("idle", *idle);
  result.add("req_per_s", static_cast<double>(static_cast<long long>(static_cast<double>(stats.replies) / seconds)));
  result.add("p50_us", static_cast<double>(stats.latency.percentile(50)) / 1e3);
  result.add("p99_us", static_cast<double>(stats.latency.percentile(99)) / 1e3);
  result.add("errors", static_cast<double>(stats.errors));
  result.add("failed", busy.failed() + idle_pool.failed());
  add_server_figures(target, server_percent, result);
  result.add("bench_cpu_pct", static_cast<double>(static_cast<int>(own_percent * 10)) / 10);
  if (stats.replies == 0) return Error{"no replies during the measurement"};
  return Ok{};
}

}  // namespace walnut::bench
