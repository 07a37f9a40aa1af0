// What upsd's GET /metrics serves: its UPS registry (variables, driver link, staleness, FSD
// latch, logins) and its counters, read on the io_context thread and rendered as text.
#pragma once

#include <string>

#include "metrics/server_metrics.h"
#include "server/stats.h"
#include "server/ups_registry.h"

namespace walnut::metrics {

struct UpsdProcess {
  std::string version;            // walnut_build_info{version}
  double start_time_seconds = 0;  // Unix time upsd started
};

// REQUIRES: called on the thread that owns `registry` and `stats` (upsd's io_context).
// A UPS counts as fresh when its driver is connected and its data is not stale; a latched FSD
// shows in ups.status as stock upsd shows it to clients ("FSD OL").
// `listeners`: the state of every METRICS_LISTEN line, so one that did bind tells of one that
// did not.
std::string render_upsd_metrics(const server::UpsRegistry& registry, const server::Stats& stats,
                                const UpsdProcess& process,
                                const std::vector<MetricsListener>& listeners = {});

}  // namespace walnut::metrics
