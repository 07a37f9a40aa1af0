// The process metrics of upsd itself (walnut_*): a snapshot of the server's counters in,
// metric families out. Pure; upsd fills a ServerSnapshot from its own stats when scraped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "metrics/exposition.h"

namespace walnut::metrics {

struct ServerSnapshot {
  std::string version;                     // walnut_build_info{version}
  double start_time_seconds = 0;           // Unix time the process started
  std::uint64_t connected_clients = 0;     // network connections open now
  std::uint64_t logins_total = 0;          // successful LOGIN commands since start
  std::map<std::string, std::uint64_t> logins_by_ups;        // current NUMLOGINS per UPS
  std::map<std::string, std::uint64_t> commands_by_name;     // "GET" → requests answered
  std::map<std::string, std::uint64_t> errors_by_code;       // "ACCESS-DENIED" → ERR replies sent
  std::map<std::string, std::uint64_t> driver_reconnects_by_ups;  // driver socket re-connections
};

// walnut_build_info, walnut_start_time_seconds, walnut_connected_clients, walnut_logins_total,
// walnut_ups_logins{ups}, walnut_commands_total{command}, walnut_errors_total{code},
// walnut_driver_reconnects_total{ups}. Maps that are empty give no samples.
std::vector<MetricFamily> server_metric_families(const ServerSnapshot& server);

}  // namespace walnut::metrics
