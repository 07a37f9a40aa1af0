// upsd as a whole (Asio's `server` piece): owns the UPS registry, driver links, listener,
// sessions, timers and signals on one io_context, and applies config reloads in place.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <asio.hpp>

#include "server/config_loader.h"
#include "server/descriptions.h"
#include "server/driver_link.h"
#include "server/listener.h"
#include "server/net_commands.h"
#include "server/session_manager.h"
#include "server/stats.h"
#include "server/tracking.h"
#include "server/ups_registry.h"

namespace walnut::server {

class Server {
 public:
  // `reload_config` is called on SIGHUP and yields the new config (or an error, which is
  // logged while the running config stays).
  Server(asio::io_context& io, LoadedConfig config,
         std::function<Result<LoadedConfig>()> reload_config);

  // Binds the listeners; nothing runs until start().
  Status bind(AddressFamilies families);
  // Connects to the drivers and starts accepting.
  void start();
  void reload();
  void stop();

  // Called by stop(), for things main() added to the io_context (the metrics endpoint).
  std::function<void()> on_stop;

  // Read access for a metrics endpoint or tests.
  const UpsRegistry& registry() const { return registry_; }
  const Stats& stats() const { return stats_; }
  const Listener& listener() const { return listener_; }
  const config::UpsdConf& settings() const { return config_.upsd; }

 private:
  void apply_reload();
  void apply_upses(const config::UpsConf& conf);
  void load_descriptions();
  void schedule_tick();
  void tick();
  void wait_signals();

  asio::io_context& io_;
  LoadedConfig config_;
  std::function<Result<LoadedConfig>()> reload_config_;
  UpsRegistry registry_;
  TrackingTable tracking_;
  Descriptions descriptions_;
  Stats stats_;
  NetContext context_;
  SessionManager sessions_;
  Listener listener_;
  std::map<std::string, std::shared_ptr<DriverLink>, CaseInsensitiveLess> links_;
  asio::steady_timer tick_timer_;
  asio::signal_set signals_;
  bool stopped_ = false;
};

}  // namespace walnut::server
