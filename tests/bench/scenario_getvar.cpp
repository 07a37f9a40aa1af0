// GET VAR lock-step throughput and latency, optionally with many idle connections open
// (stock upsd scans every connection on each loop, so idle ones slow the busy ones down).
#include <barrier>
#include <memory>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "tests/bench/client_pool.h"
#include "tests/bench/process_probe.h"
#include "tests/bench/scenario.h"

namespace walnut::bench {
namespace {

struct BusyPlan {
  int connections = 64;
  int threads = 1;
  double warmup = 0.5;
  double duration = 3.0;
};

struct BusyOutcome {
  PoolStats stats;
  int failed = 0;
  double seconds = 0;
  double server_cpu = 0;
  double own_cpu = 0;
};

// Opens the busy connections (split over the threads), then runs them all for the duration.
// More client threads only help on a machine with a spare core for each: on 2 cores, two client
// threads and a server leave cores idle between wake-ups and every server loses (docs/benchmarks).
Result<BusyOutcome> run_busy(const Target& target, const std::string& request, const BusyPlan& plan) {
  std::vector<std::unique_ptr<ClientPool>> pools;
  for (int thread = 0; thread < plan.threads; ++thread) {
    int share = plan.connections / plan.threads + (thread < plan.connections % plan.threads ? 1 : 0);
    pools.push_back(std::make_unique<ClientPool>(target.endpoint, request, ReplyShape::kOneLine));
    if (Status opened = pools.back()->open(share, 0, kOpenWindow); !opened) return Error{opened.error()};
    if (Status served = serve_all(*pools.back(), share, 30, "busy connections"); !served) {
      return Error{served.error()};
    }
  }
  std::barrier start(plan.threads + 1);
  std::vector<Status> statuses(pools.size(), Status(Ok{}));
  std::vector<std::thread> threads;
  for (std::size_t index = 0; index < pools.size(); ++index) {
    threads.emplace_back([&, index] {
      statuses[index] = pools[index]->run(Deadline(plan.warmup));
      pools[index]->reset_stats();
      start.arrive_and_wait();
      if (statuses[index]) statuses[index] = pools[index]->run(Deadline(plan.duration));
    });
  }
  start.arrive_and_wait();
  CpuMeter server_cpu(target.server_pid), own_cpu(0);
  Nanos started = now_ns();
  for (std::thread& thread : threads) thread.join();
  BusyOutcome outcome;
  outcome.seconds = static_cast<double>(now_ns() - started) / 1e9;
  outcome.server_cpu = server_cpu.percent();
  outcome.own_cpu = own_cpu.percent();
  for (std::size_t index = 0; index < pools.size(); ++index) {
    if (!statuses[index]) return Error{statuses[index].error()};
    PoolStats& stats = pools[index]->stats();
    outcome.stats.replies += stats.replies;
    outcome.stats.errors += stats.errors;
    outcome.stats.latency.merge(stats.latency);
    outcome.failed += pools[index]->failed();
  }
  return outcome;
}

}  // namespace

Status run_getvar(Options& options, const Target& target, ResultLine& result) {
  Result<int> connections = integer_option(options, "connections", 64, 1);
  Result<int> idle = integer_option(options, "idle", 0, 0);
  Result<int> threads = integer_option(options, "threads", 1, 1);
  Result<double> duration = options.number("duration", 3.0);
  Result<double> warmup = options.number("warmup", 0.5);
  std::string variable = options.text("var", "ups.status");
  for (const Result<int>* value : {&connections, &idle, &threads}) {
    if (!*value) return Error{value->error()};
  }
  if (!duration || !warmup) return Error{duration ? warmup.error() : duration.error()};
  if (*threads > *connections) return Error{"--threads must not exceed --connections"};
  if (Status raised = raise_open_file_limit(static_cast<std::size_t>(*connections + *idle + 64)); !raised) {
    return raised;
  }
  std::string request = get_var_request(target, variable);

  ClientPool idle_pool(target.endpoint, request, ReplyShape::kOneLine);
  if (Status opened = idle_pool.open(*idle, 1, kOpenWindow); !opened) return opened;
  if (Status served = serve_all(idle_pool, *idle, 120, "idle connections"); !served) return served;

  BusyPlan plan{.connections = *connections, .threads = *threads, .warmup = *warmup, .duration = *duration};
  Result<BusyOutcome> outcome = run_busy(target, request, plan);
  if (!outcome) return Error{outcome.error()};
  PoolStats& stats = outcome->stats;
  result.add("connections", *connections);
  result.add("idle", *idle);
  result.add("threads", *threads);
  result.add("req_per_s", static_cast<double>(static_cast<long long>(static_cast<double>(stats.replies) / outcome->seconds)));
  result.add("p50_us", static_cast<double>(stats.latency.percentile(50)) / 1e3);
  result.add("p99_us", static_cast<double>(stats.latency.percentile(99)) / 1e3);
  result.add("errors", static_cast<double>(stats.errors));
  result.add("failed", outcome->failed + idle_pool.failed());
  add_server_figures(target, outcome->server_cpu, result);
  result.add("bench_cpu_pct", static_cast<double>(static_cast<int>(outcome->own_cpu * 10)) / 10);
  if (stats.replies == 0) return Error{"no replies during the measurement"};
  return Ok{};
}

}  // namespace walnut::bench
