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
  const auto count = [](std::uint64_t value) { return static_cast<double>(value); };
  std::vector<MetricFamily> families;
  families.push_back({"walnut_build_info", "walnut version, as a label; the value is always 1",
                      MetricType::kGauge, {{{{"version", server.version}}, 1}}});
  families.push_back(single("walnut_start_time_seconds", "Unix time the upsd process started",
                            MetricType::kGauge, server.start_time_seconds));
  families.push_back(single("walnut_connected_clients", "Client connections open now",
                            MetricType::kGauge, count(server.connected_clients)));
  families.push_back(single("walnut_clients_accepted_total", "Client connections accepted",
                            MetricType::kCounter, count(server.clients_accepted)));
  families.push_back(single("walnut_clients_dropped_slow_total",
                            "Client connections closed because their replies backed up",
                            MetricType::kCounter, count(server.clients_dropped_slow)));
  families.push_back(single("walnut_logins_total", "Successful LOGIN commands",
                            MetricType::kCounter, count(server.logins)));
  families.push_back(single("walnut_commands_total", "Requests answered",
                            MetricType::kCounter, count(server.commands)));
  families.push_back(single("walnut_driver_reconnects_total",
                            "Times upsd re-connected to a UPS driver's socket",
                            MetricType::kCounter, count(server.driver_reconnects)));
  families.push_back(labelled("walnut_ups_logins", "Clients logged in to the UPS now (NUMLOGINS)",
                              MetricType::kGauge, "ups", server.logins_by_ups));
  families.push_back(labelled("walnut_errors_total", "ERR replies sent, by error code",
                              MetricType::kCounter, "code", server.errors_by_code));
  MetricFamily listeners{"walnut_metrics_listener_up",
                         "1 when upsd listens on this METRICS_LISTEN address, 0 while binding it "
                         "fails (upsd keeps trying)",
                         MetricType::kGauge, {}};
  for (const auto& listener : server.metrics_listeners) {
    listeners.samples.push_back(
        {{{"address", listener.address}, {"port", listener.port}}, listener.listening ? 1.0 : 0.0});
  }
  families.push_back(std::move(listeners));
  return families;
}

}  // namespace walnut::metrics
