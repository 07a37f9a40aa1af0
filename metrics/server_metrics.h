// The process metrics of upsd itself (walnut_*): a snapshot of the server's counters in,
// metric families out. Pure; upsd fills a ServerSnapshot from its own stats when scraped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "metrics/exposition.h"

namespace walnut::metrics {

// One METRICS_LISTEN line of upsd and whether it is bound (upsd retries one that is not).
struct MetricsListener {
  std::string address;
  std::string port;
  bool listening = false;
};

struct ServerSnapshot {
  std::string version;                     // walnut_build_info{version}
  double start_time_seconds = 0;           // Unix time the process started
  std::uint64_t connected_clients = 0;     // network connections open now
  std::uint64_t clients_accepted = 0;      // connections accepted since start
  std::uint64_t clients_dropped_slow = 0;  // closed because their replies backed up
  std::uint64_t logins = 0;                // successful LOGIN commands since start
  std::uint64_t commands = 0;              // requests answered since start
  std::uint64_t driver_reconnects = 0;     // driver socket re-connections since start
  std::map<std::string, std::uint64_t> logins_by_ups;  // current NUMLOGINS per UPS
  std::map<std::string, std::uint64_t> errors_by_code;  // "ACCESS-DENIED" → ERR replies sent
  std::vector<MetricsListener> metrics_listeners;       // METRICS_LISTEN lines, in order
};

// walnut_build_info{version}, walnut_start_time_seconds, walnut_connected_clients,
// walnut_clients_accepted_total, walnut_clients_dropped_slow_total, walnut_logins_total,
// walnut_commands_total, walnut_driver_reconnects_total, walnut_ups_logins{ups},
// walnut_errors_total{code} and walnut_metrics_listener_up{address,port}. Empty maps and
// lists give no samples.
std::vector<MetricFamily> server_metric_families(const ServerSnapshot& server);

}  // namespace walnut::metrics
