#include "metrics/server_metrics.h"

namespace walnut::metrics {
namespace {

MetricFamily labelled(std::string name, std::string help, MetricType type, const std::string& label,
                      const std::map<std::string, std::uint64_t>& values) {
  MetricFamily family{std::move(name), std::move(help), type, {}};
  for (const auto& [key, value] : values) {
    family.samples.push_back({{{label, key}}, static_cast<double>(value)});
  }
  return family;
}

MetricFamily single(std::string name, std::string help, MetricType type, double value) {
  return {std::move(name), std::move(help), type, {{{}, value}}};
}

}  // namespace

std::vector<MetricFamily> server_metric_families(const ServerSnapshot& server) {
  std::vector<MetricFamily> families;
  families.push_back({"walnut_build_info", "walnut version, as a label; the value is always 1",
                      MetricType::kGauge, {{{{"version", server.version}}, 1}}});
  families.push_back(single("walnut_start_time_seconds", "Unix time the upsd process started",
                            MetricType::kGauge, server.start_time_seconds));
  families.push_back(single("walnut_connected_clients", "Client connections open now",
                            MetricType::kGauge, static_cast<double>(server.connected_clients)));
  families.push_back(single("walnut_logins_total", "Successful LOGIN commands since start",
                            MetricType::kCounter, static_cast<double>(server.logins_total)));
  families.push_back(labelled("walnut_ups_logins", "Clients logged in to the UPS now (NUMLOGINS)",
                              MetricType::kGauge, "ups", server.logins_by_ups));
  families.push_back(labelled("walnut_commands_total", "Requests answered, by command word",
                              MetricType::kCounter, "command", server.commands_by_name));
  families.push_back(labelled("walnut_errors_total", "ERR replies sent, by error code",
                              MetricType::kCounter, "code", server.errors_by_code));
  families.push_back(labelled("walnut_driver_reconnects_total",
                              "Times upsd re-connected to the UPS driver's socket",
                              MetricType::kCounter, "ups", server.driver_reconnects_by_ups));
  return families;
}

}  // namespace walnut::metrics
