#include "metrics/upsd_metrics.h"

#include "metrics/exposition.h"
#include "metrics/ups_metrics.h"
#include "server/net_error.h"

namespace walnut::metrics {
namespace {

UpsSnapshot snapshot_of(const server::Ups& ups, std::chrono::steady_clock::time_point now) {
  UpsSnapshot snapshot;
  snapshot.name = ups.name;
  // data_stale(now), not just the flag: MAXAGE silence counts from the last message heard,
  // as GET VAR decides per request, not only as of the last tick.
  snapshot.fresh = ups.driver_connected && !ups.data_stale(now);
  snapshot.data_stale = !snapshot.fresh;
  if (!snapshot.fresh) return snapshot;
  for (const auto& [name, variable] : ups.variables.variables()) snapshot.variables[name] = variable.value;
  if (ups.fsd) {
    auto status = snapshot.variables.find("ups.status");
    if (status != snapshot.variables.end()) status->second = "FSD " + status->second;
  }
  return snapshot;
}

ServerSnapshot server_snapshot(const server::UpsRegistry& registry, const server::Stats& stats,
                               const UpsdProcess& process) {
  ServerSnapshot snapshot;
  snapshot.version = process.version;
  snapshot.start_time_seconds = process.start_time_seconds;
  snapshot.connected_clients = stats.clients_connected;
  snapshot.clients_accepted = stats.clients_accepted;
  snapshot.clients_dropped_slow = stats.clients_dropped_slow;
  snapshot.logins = stats.logins;
  snapshot.commands = stats.commands;
  snapshot.driver_reconnects = stats.driver_reconnects;
  for (int i = 0; i < server::kNetErrorCount; ++i) {
    const std::uint64_t count = stats.errors[static_cast<std::size_t>(i)];
    if (count > 0) {
      snapshot.errors_by_code[std::string(server::net_error_token(static_cast<server::NetError>(i)))] = count;
    }
  }
  for (const auto& ups : registry.all()) {
    snapshot.logins_by_ups[ups->name] = static_cast<std::uint64_t>(ups->numlogins);
  }
  return snapshot;
}

}  // namespace

std::string render_upsd_metrics(const server::UpsRegistry& registry, const server::Stats& stats,
                                const UpsdProcess& process,
                                const std::vector<MetricsListener>& listeners) {
  std::vector<UpsSnapshot> upses;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& ups : registry.all()) upses.push_back(snapshot_of(*ups, now));
  auto families = ups_metric_families(upses);
  ServerSnapshot snapshot = server_snapshot(registry, stats, process);
  snapshot.metrics_listeners = listeners;
  auto server = server_metric_families(snapshot);
  families.insert(families.end(), std::make_move_iterator(server.begin()),
                  std::make_move_iterator(server.end()));
  return render(families);
}

}  // namespace walnut::metrics
