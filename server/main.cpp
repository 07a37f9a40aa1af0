// upsd: walnut's drop-in for NUT's network server. Arguments and wiring only.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <asio.hpp>
#include <fmt/format.h>

#include "common/log.h"
#include "common/paths.h"
#include "common/service_notify.h"
#include "common/startup_pages.h"
#include "common/version.h"
#include "server/config_loader.h"
#include "metrics/upsd_metrics.h"
#include "server/daemon.h"
#include "server/metrics_endpoint.h"
#include "server/net_commands.h"
#include "server/server.h"
#include "server/tls_context.h"

namespace {

using namespace walnut;
using namespace walnut::server;

// How often upsd tries again to bind a METRICS_LISTEN address that failed.
constexpr std::chrono::seconds kMetricsBindRetry{5};

struct Options {
  bool foreground = false;
  bool pid_file_in_foreground = false;  // -FF
  bool background = false;              // -B
  int debug = 0;
  std::optional<std::string> user;
  std::optional<std::string> command;  // -c reload|stop
  long pid = 0;                        // -P
  AddressFamilies families = AddressFamilies::kAny;
  std::optional<std::string> yaml_file;  // -f
};

// "2.8.0 (walnut 0.1.0)": the NUT version clients see on the wire, and walnut's own.
std::string version_line() {
  const std::string_view nut = kServerVersion.substr(0, kServerVersion.find(' '));
  return fmt::format("{} (walnut {})", nut, kWalnutVersion);
}

void print_help(std::FILE* out) {
  std::fprintf(out,
      "upsd %s: walnut's NUT network server (drop-in for NUT's upsd)\n\n"
      "usage: upsd [OPTIONS]\n\n"
      "  -c <command>  send <command> to the running upsd: reload, stop\n"
      "  -P <pid>      the pid to signal with -c (default: from the pid file)\n"
      "  -D            raise the debugging level (repeatable; stays in the foreground)\n"
      "  -F            stay in the foreground (-FF: and write the pid file)\n"
      "  -B            go to the background (the default unless -F or -D)\n"
      "  -u <user>     switch to <user> after binding the sockets (default as root: nut)\n"
      "  -f <file>     read the settings from one walnut YAML file instead of NUT_CONFPATH\n"
      "  -4 / -6       IPv4 only / IPv6 only\n"
      "  -V            print the version and exit\n"
      "  -h, --help    this help\n\n"
      "Environment: NUT_CONFPATH, NUT_STATEPATH, NUT_ALTPIDPATH, NUT_DATAPATH.\n"
      "NUT data server was built with SSL support (STARTTLS answers FEATURE-NOT-CONFIGURED "
      "until TLS is configured)\n",
      version_line().c_str());
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  // NUT's upsd has no long options; --help is the one every user tries first.
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help") {
      print_help(stdout);
      std::exit(0);
    }
  }
  int foreground_count = 0;
  int opt;
  while ((opt = ::getopt(argc, argv, "+46BDFhVc:P:u:f:qr:")) != -1) {
    switch (opt) {
      case '4': options.families = AddressFamilies::kIpv4Only; break;
      case '6': options.families = AddressFamilies::kIpv6Only; break;
      case 'B': options.background = true; break;
      case 'D': ++options.debug; break;
      case 'F': ++foreground_count; break;
      case 'c': options.command = optarg; break;
      case 'P': options.pid = std::atol(optarg); break;
      case 'u': options.user = optarg; break;
      case 'f': options.yaml_file = optarg; break;
      case 'q': break;
      case 'r':
        std::fprintf(stderr, "upsd: -r (chroot) is not supported by walnut\n");
        return std::nullopt;
      case 'V':
        std::printf("Network UPS Tools upsd %s\n", version_line().c_str());
        std::exit(0);
      case 'h':
        print_help(stdout);
        std::exit(0);
      default:
        print_help(stderr);
        return std::nullopt;
    }
  }
  options.foreground = foreground_count > 0 || options.debug > 0;
  options.pid_file_in_foreground = foreground_count > 1;
  if (options.background) options.foreground = false;
  return options;
}

Result<LoadedConfig> load(const Options& options) {
  if (options.yaml_file) return load_yaml_config(*options.yaml_file);
  return load_nut_config();
}

Status configure_tls(const config::UpsdConf& conf) {
  TlsPolicy policy;
  policy.force_ssl = credentials_need_tls(conf);
  if (policy.force_ssl && !conf.force_ssl) {
    log::notice("CERTREQUEST REQUIRE implies FORCESSL: USERNAME and PASSWORD are accepted only "
                "after STARTTLS");
  }
  if (conf.certfile) {
    auto context = TlsContext::create(conf);
    if (!context) return Error{context.error()};
    policy.context = std::move(*context);
  }
  set_tls_policy(std::move(policy));
  return Ok{};
}

// WATCHDOG=1 every `period` (half of WatchdogSec) from the event loop: a loop that hangs stops
// the pings and systemd restarts upsd.
void keep_watchdog(asio::steady_timer& timer, std::chrono::microseconds period) {
  timer.expires_after(period);
  timer.async_wait([&timer, period](const asio::error_code& error) {
    if (error) return;
    service::notify_watchdog();
    keep_watchdog(timer, period);
  });
}

int run(const Options& options) {
  const std::string pid_file = paths::join(paths::alt_pid_path(), "upsd.pid");
  if (options.command) {
    Status status = signal_running_instance(*options.command, pid_file, options.pid);
    if (!status) {
      log::error("{}", status.error());
      return 1;
    }
    return 0;
  }
  auto config = load(options);
  if (!config) {
    log::error("Fatal error: {}", config.error());
    return 1;
  }
  // The key is read now, while still root; sessions use the context after the drop.
  if (Status status = configure_tls(config->upsd); !status) {
    log::error("Fatal error: {}", status.error());
    return 1;
  }
  asio::io_context io(1);
  std::optional<std::string> configured_user = config->upsd.run_as_user;
  Server server(io, std::move(*config), [&options] { return load(options); });
  if (Status status = server.bind(options.families); !status) {
    log::error("Fatal error: {}", status.error());
    return 1;
  }
  // Opt-in HTTP /metrics on the same io_context (METRICS_LISTEN), bound before dropping root.
  // A metrics address that cannot be bound (port taken) must not keep upsd from serving NUT:
  // it is logged, shown as walnut_metrics_listener_up 0 on the others, and retried.
  std::vector<std::unique_ptr<MetricsEndpoint>> metrics;
  const metrics::UpsdProcess process{std::string(kWalnutVersion),
                                     static_cast<double>(std::time(nullptr))};
  // A copy: a reload replaces the settings, but METRICS_LISTEN (like LISTEN) needs a restart.
  const std::vector<config::ListenAddress> metrics_listen = server.settings().metrics_listen;
  const auto listener_states = [&metrics, &metrics_listen] {
    std::vector<metrics::MetricsListener> states;
    for (std::size_t i = 0; i < metrics.size(); ++i) {
      states.push_back({metrics_listen[i].address, metrics_listen[i].port, metrics[i]->listening()});
    }
    return states;
  };
  for (const auto& address : metrics_listen) {
    auto endpoint = std::make_unique<MetricsEndpoint>(io, [&server, &process, &listener_states] {
      return metrics::render_upsd_metrics(server.registry(), server.stats(), process, listener_states());
    });
    endpoint->bind_or_retry(address.address, address.port, kMetricsBindRetry);
    metrics.push_back(std::move(endpoint));
  }
  asio::steady_timer watchdog(io);
  server.on_stop = [&metrics, &watchdog] {
    for (auto& endpoint : metrics) endpoint->stop();
    watchdog.cancel();
  };
  std::string run_as =
      options.user.value_or(configured_user.value_or(::geteuid() == 0 ? "nut" : ""));
  if (!run_as.empty()) {
    if (Status status = drop_privileges(run_as); !status) {
      log::error("Fatal error: {}", status.error());
      return 1;
    }
  }
  if (!options.foreground) {
    if (Status status = become_background(); !status) {
      log::error("Fatal error: {}", status.error());
      return 1;
    }
    log::use_syslog("upsd");
  }
  const bool with_pid_file = !options.foreground || options.pid_file_in_foreground;
  if (with_pid_file) {
    if (Status status = write_pid_file(pid_file); !status) log::warning("{}", status.error());
  }
  server.start();
  for (auto& endpoint : metrics) endpoint->start();
  // systemd (Type=notify): the listeners are bound and the drivers are being connected.
  if (auto period = service::watchdog_period()) keep_watchdog(watchdog, *period);
  // Reading the configuration faulted in most of upsd's code: only what serves runs again
  // (common/startup_pages.h).
  log::debug(1, "start-up done: {} kB of code and read-only data released",
             release_startup_pages() / 1024);
  service::notify_ready();
  io.run();
  if (with_pid_file) remove_pid_file(pid_file);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options) return 1;
  log::set_debug_level(options->debug);
  return run(*options);
}
