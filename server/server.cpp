// Server wiring and reload.
#include "server/server.h"

#include <sys/resource.h>

#include "common/log.h"
#include "common/config/conf_file.h"
#include "common/paths.h"
#include "common/service_notify.h"
#include "common/startup_pages.h"
#include "server/log_limiter.h"

namespace walnut::server {
namespace {

constexpr auto kTickInterval = std::chrono::seconds(1);
constexpr auto kClientIdleLimit = std::chrono::seconds(60);  // stock's hard-coded minute
// A session without a request for this long gives its read buffer back (see Session).
constexpr auto kQuietAfter = std::chrono::seconds(2);
// Stock's RESERVE_FD_COUNT_UPSD: descriptors kept for drivers, listeners and files.
constexpr long kReservedDescriptors = 8;

std::size_t default_max_connections() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  const long usable = static_cast<long>(limit.rlim_cur) - kReservedDescriptors;
  return usable > 0 ? static_cast<std::size_t>(usable) : 1;
}

// CLIENT_OUTPUT_LIMIT in bytes; below one client's own bound (1 MiB) it would drop clients
// that are merely slow, so that is the least it means.
std::size_t output_limit(const config::UpsdConf& conf) {
  const long mib = std::max(conf.client_output_limit_mib, 1L);
  return static_cast<std::size_t>(mib) << 20;
}

void log_warnings(const LoadedConfig& config) {
  for (const auto& warning : config.warnings) log::warning("{}", warning);
  for (const auto& error : config.errors) log::error("{}", error);
}

}  // namespace

Server::Server(asio::io_context& io, LoadedConfig config,
               std::function<Result<LoadedConfig>()> reload_config)
    : io_(io), config_(std::move(config)), reload_config_(std::move(reload_config)),
      context_{registry_, config_.users, tracking_, descriptions_, stats_, {}, false, {}},
      sessions_(io, context_, stats_), listener_(io, sessions_), tick_timer_(io),
      signals_(io, SIGHUP, SIGTERM, SIGINT) {
  signals_.add(SIGQUIT);
  args_debug_level_ = log::debug_level();
  log::set_debug_level(effective_debug_level(args_debug_level_, config_.upsd.debug_min, false));
  log::debug(1, "debug level is '{}'", log::debug_level());
  sessions_.on_session_closed = [this] { listener_.on_session_closed(); };
}

Status Server::bind(AddressFamilies families) {
  log_warnings(config_);
  return listener_.bind(config_.upsd.effective_listen(), families,
                        config_.upsd.allow_not_all_listeners);
}

void Server::start() {
  load_descriptions();
  listener_.set_max_connections(config_.upsd.maxconn
                                    ? static_cast<std::size_t>(*config_.upsd.maxconn)
                                    : default_max_connections());
  sessions_.set_output_limit(output_limit(config_.upsd));
  apply_upses(config_.ups);
  listener_.start();
  wait_signals();
  schedule_tick();
}

void Server::load_descriptions() {
  auto text = config::read_text_file(paths::join(config_.datapath, "cmdvartab"));
  if (!text) {
    log::info("{} - disabling descriptions", text.error());
    descriptions_ = Descriptions{};
    return;
  }
  descriptions_ = parse_descriptions(*text);
}

// New sections connect; removed ones drop their logged-in clients; a changed driver name
// (another socket) reconnects.
void Server::apply_upses(const config::UpsConf& conf) {
  for (auto it = links_.begin(); it != links_.end();) {
    const Ups* ups = registry_.find(it->first);
    bool keep = false;
    for (const auto& section : conf.ups) {
      if (equals_ignoring_case(section.name, it->first) && ups && section.driver() == ups->driver) {
        keep = true;
      }
    }
    if (keep) {
      ++it;
      continue;
    }
    it->second->stop();
    sessions_.kick_logins(it->first);
    registry_.remove(it->first);
    it = links_.erase(it);
  }
  for (const auto& section : conf.ups) {
    Ups* ups = registry_.find(section.name);
    if (ups == nullptr) {
      ups = &registry_.add(section.name);
      ups->driver = section.driver();
      const std::string path =
          paths::driver_socket_path(config_.statepath, section.driver(), section.name);
      auto link = std::make_shared<DriverLink>(io_, *ups, path, tracking_, stats_);
      links_.emplace(section.name, link);
      link->tick(config_.upsd.maxage);
    }
    ups->port = section.port();
    ups->description = section.desc();
  }
}

void Server::schedule_tick() {
  tick_timer_.expires_after(kTickInterval);
  tick_timer_.async_wait([this](const asio::error_code& error) {
    if (error || stopped_) return;
    tick();
    schedule_tick();
  });
}

void Server::tick() {
  tracking_.expire(std::chrono::steady_clock::now(),
                   std::chrono::seconds(config_.upsd.tracking_delay));
  for (auto& [name, link] : links_) link->tick(config_.upsd.maxage);
  sessions_.close_idle(kClientIdleLimit);
  sessions_.quiet_down(kQuietAfter);
  flush_client_log_summary();
}

void Server::wait_signals() {
  signals_.async_wait([this](const asio::error_code& error, int signal) {
    if (error || stopped_) return;
    if (signal == SIGHUP) {
      reload();
      return wait_signals();
    }
    log::notice("Signal {}: exiting", signal);
    stop();
  });
}

// systemd hears RELOADING=1 .. READY=1 around it (READY=1 also when the reload failed: the
// running configuration still serves).
void Server::reload() {
  log::info("Reloading configuration");
  service::notify_reloading();
  apply_reload();
  release_startup_pages();  // the reload ran the configuration's code again (main.cpp)
  service::notify_ready();
}

// LISTEN lines need a restart, as with stock; everything else applies in place and
// connected clients keep their sessions.
void Server::apply_reload() {
  auto fresh = reload_config_ ? reload_config_() : Result<LoadedConfig>(Error{"no reload"});
  if (!fresh) {
    log::error("Reload failed, keeping the running configuration: {}", fresh.error());
    return;
  }
  fresh->upsd.listen = config_.upsd.listen;
  config_.upsd = std::move(fresh->upsd);
  config_.users = std::move(fresh->users);
  config_.datapath = fresh->datapath;
  config_.ups = fresh->ups;
  config_.warnings = std::move(fresh->warnings);
  config_.errors = std::move(fresh->errors);
  log_warnings(config_);
  log::set_debug_level(effective_debug_level(args_debug_level_, config_.upsd.debug_min, true));
  log::info("Applying debug level {}{}", log::debug_level(),
            config_.upsd.debug_min ? " from DEBUG_MIN in upsd.conf" : " from the command line");
  load_descriptions();
  sessions_.set_output_limit(output_limit(config_.upsd));
  if (config_.upsd.maxconn) {
    listener_.set_max_connections(static_cast<std::size_t>(*config_.upsd.maxconn));
  }
  apply_upses(config_.ups);
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  service::notify_stopping();
  listener_.stop();
  sessions_.stop_all();
  for (auto& [name, link] : links_) link->stop();
  tick_timer_.cancel();
  asio::error_code ignored;
  signals_.cancel(ignored);
  if (on_stop) on_stop();
}

}  // namespace walnut::server
