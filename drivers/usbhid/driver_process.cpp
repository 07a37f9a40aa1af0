// serve_driver: the io_context side of the driver.
#include "drivers/usbhid/driver_process.h"

#include <grp.h>
#include <malloc.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>

#include <asio.hpp>

#include "common/log.h"
#include "common/service_notify.h"
#include "common/startup_pages.h"
#include "drivers/usbhid/driver_loop.h"
#include "drivers/usbhid/driver_socket.h"
#include "drivers/usbhid/state_publisher.h"

namespace walnut::usbhid {
namespace {

// Runs the transport's signal actions for as long as the io_context runs.
void watch_signals(asio::signal_set& signals, const std::vector<SignalAction>& actions) {
  signals.async_wait([&signals, &actions](const asio::error_code& error, int signal) {
    if (error) return;
    for (const SignalAction& action : actions) {
      if (action.signal == signal) action.action();
    }
    watch_signals(signals, actions);
  });
}

// Pings systemd's watchdog every `period` while the device thread's heartbeat moves on.
void keep_watchdog(asio::steady_timer& timer, std::chrono::microseconds period,
                   const DriverLoop& loop, std::uint64_t last_heartbeat) {
  timer.expires_after(period);
  timer.async_wait([&timer, period, &loop, last_heartbeat](const asio::error_code& error) {
    if (error) return;
    const std::uint64_t now = loop.heartbeat();
    if (now != last_heartbeat) {
      service::notify_watchdog();
    } else {
      log::warning("device thread made no progress for {} ms: not feeding the watchdog",
                   std::chrono::duration_cast<std::chrono::milliseconds>(period).count());
    }
    keep_watchdog(timer, period, loop, now);
  });
}

// main.c's socket ownership fix-up: the socket's group becomes `group`, with g+rw.
void give_socket_to_group(const std::string& path, const std::string& group) {
  const ::group* entry = ::getgrnam(group.c_str());
  if (entry == nullptr) {
    log::warning("WARNING: could not resolve group name '{}'", group);
    return;
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || ::chown(path.c_str(), info.st_uid, entry->gr_gid) != 0 ||
      ::chmod(path.c_str(), (info.st_mode & 07777) | S_IRGRP | S_IWGRP) != 0) {
    log::warning("WARNING: Needed to fix group access to filesystem socket of this driver, "
                 "but failed: {}", path);
  }
}

constexpr int kInstCmdInvalid = 2;

}  // namespace

ReloadOutcome reload_outcome(std::string_view command, int restart_needed) {
  if (restart_needed < 1) return {};
  if (command == "driver.reload-or-exit") return {0, true};
  if (command == "driver.reload-or-error") return {kInstCmdInvalid, false};
  return {};  // driver.reload: what can be applied is, the rest is logged
}

Status serve_driver(UpsDevice& device, UpsState state, const std::string& socket_path,
                    std::vector<SignalAction> signals, DriverControl control) {
  asio::io_context io;
  state.set_data_ok(true);
  UpsState published = state;

  std::unique_ptr<DriverSocketServer> server;
  DriverLoop loop(io, device, std::move(state), [&](const UpsState& snapshot) {
    auto messages = publish_changes(snapshot, published);
    if (server) server->broadcast(messages);
  });

  DriverSocketServer::Handlers handlers;
  handlers.state = [&published]() -> const UpsState& { return published; };
  // NUT's reload (main.c handle_reload_flag): re-read, count what would need a restart.
  auto reload = [&control, &io](std::string_view command) {
    log::info("Handling requested live reload of NUT driver configuration ({})", command);
    const int restart_needed = control.reload ? control.reload() : 0;
    const ReloadOutcome outcome = reload_outcome(command, restart_needed);
    if (outcome.exit) {
      log::notice("NUT driver reload-or-exit: a changed setting requires a driver restart");
      asio::post(io, [&io] { io.stop(); });
    }
    return outcome.status;
  };
  handlers.instcmd = [&](const driver_protocol::InstCmd& command,
                         DriverSocketServer::Reply reply) {
    log::info("instcmd: {}{}", command.name, command.param ? " " + *command.param : "");
    if (command.name == "driver.exit") {
      log::notice("Got driver.exit over the socket: exiting");
      reply(0);
      asio::post(io, [&io] { io.stop(); });
    } else if (command.name == "driver.reload" || command.name == "driver.reload-or-exit" ||
               command.name == "driver.reload-or-error") {
      reply(reload(command.name));
    } else {
      // driver.killpower too: the loop checks driver.flag.allow_killpower (driver_core.h).
      loop.submit_instcmd(command.name, command.param, std::move(reply));
    }
  };
  handlers.set = [&](const driver_protocol::Set& command, DriverSocketServer::Reply reply) {
    log::info("setvar: {} to {}", command.name, command.value);
    // driver.debug and driver.flag.allow_killpower too: the loop owns the state they live in.
    loop.submit_set(command.name, command.value, std::move(reply));
  };
  server = std::make_unique<DriverSocketServer>(io, socket_path, std::move(handlers));
  if (auto listening = server->listen(); !listening) return listening;
  if (control.socket_group) give_socket_to_group(socket_path, *control.socket_group);
  log::debug(1, "driver socket {} open", socket_path);

  asio::signal_set stop_signals(io, SIGTERM, SIGINT, SIGQUIT);
  stop_signals.async_wait([&](const asio::error_code& error, int signal) {
    if (error) return;
    log::info("Signal {}: exiting", signal);
    server->stop();
    io.stop();
  });
  // SIGHUP is NUT's reload, SIGUSR1 its reload-or-exit (main.h SIGCMD_*), unless the
  // transport watches SIGUSR1 itself (the simulator's unplug).
  asio::signal_set reload_signals(io, SIGHUP);
  bool transport_takes_usr1 = false;
  for (const SignalAction& action : signals) transport_takes_usr1 |= action.signal == SIGUSR1;
  if (!transport_takes_usr1) reload_signals.add(SIGUSR1);
  std::function<void()> watch_reload = [&] {
    reload_signals.async_wait([&](const asio::error_code& error, int signal) {
      if (error) return;
      reload(signal == SIGHUP ? "driver.reload" : "driver.reload-or-exit");
      watch_reload();
    });
  };
  watch_reload();
  asio::signal_set transport_signals(io);
  for (const SignalAction& action : signals) transport_signals.add(action.signal);
  if (!signals.empty()) watch_signals(transport_signals, signals);

  loop.start();
  asio::steady_timer watchdog(io);
  if (auto period = service::watchdog_period()) {
    keep_watchdog(watchdog, *period, loop, loop.heartbeat());
  }
  // Loading the mappings and walking the descriptor left freed blocks in the heap; hand the
  // whole free pages among them back to the kernel once (~230 kB; docs/benchmarks, "Memory").
  device.release_descriptor();
  ::malloc_trim(0);
  // And the code and read-only data that start-up faulted in (common/startup_pages.h).
  log::debug(1, "start-up done: {} kB of code and read-only data released",
             release_startup_pages() / 1024);
  service::notify_ready();
  io.run();
  service::notify_stopping();
  loop.stop();
  server->stop();
  return Ok{};
}

}  // namespace walnut::usbhid
