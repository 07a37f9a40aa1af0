// Helpers the scenarios share (see scenario.h).
#include <cmath>

#include <fmt/format.h>

#include "tests/bench/client_pool.h"
#include "tests/bench/process_probe.h"
#include "tests/bench/scenario.h"

namespace walnut::bench {

Result<int> integer_option(Options& options, const std::string& key, int fallback, int minimum) {
  Result<double> value = options.number(key, fallback);
  if (!value) return Error{value.error()};
  if (*value != std::floor(*value) || *value < minimum || *value > 1e7) {
    return Error{fmt::format("option --{} must be a whole number >= {}", key, minimum)};
  }
  return static_cast<int>(*value);
}

std::string get_var_request(const Target& target, const std::string& variable) {
  return fmt::format("GET VAR {} {}\n", target.ups, variable);
}

Status serve_all(ClientPool& pool, int count, double timeout_seconds, const char* what) {
  Deadline deadline(timeout_seconds);
  while (pool.served() < count && pool.failed() == 0 && !deadline.passed()) {
    if (Status status = pool.run(Deadline(0.05)); !status) return status;
  }
  if (pool.served() < count) {
    return Error{fmt::format("{}: {} of {} connections served in {} s ({} failed: {})", what,
                             pool.served(), count, timeout_seconds, pool.failed(),
                             pool.first_failure())};
  }
  return Ok{};
}

void add_server_figures(const Target& target, double cpu_percent, ResultLine& result) {
  if (target.server_pid == 0) return;
  result.add("server_cpu_pct", std::round(cpu_percent * 10) / 10);
  if (Result<ProcessSample> sample = sample_process(target.server_pid)) {
    result.add("server_rss_kb", static_cast<double>(sample->rss_kb));
  }
}

}  // namespace walnut::bench
