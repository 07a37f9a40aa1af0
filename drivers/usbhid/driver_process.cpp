// serve_driver: the io_context side of the driver.
#include "drivers/usbhid/driver_process.h"

#include <csignal>

#include <asio.hpp>

#include "common/log.h"
#include "common/service_notify.h"
#include "drivers/usbhid/driver_loop.h"
#include "drivers/usbhid/driver_socket.h"
#include "drivers/usbhid/state_publisher.h"

namespace walnut::usbhid {
namespace {

void watch_sim_signals(asio::signal_set& signals, const std::shared_ptr<SimDevice>& sim) {
  signals.async_wait([&signals, sim](const asio::error_code& error, int signal) {
    if (error) return;
    if (signal == SIGUSR1) {
      log::notice("sim: unplugging the simulated UPS");
      sim->unplug();
    } else if (signal == SIGUSR2) {
      log::notice("sim: plugging the simulated UPS back in");
      sim->replug();
    }
    watch_sim_signals(signals, sim);
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

}  // namespace

Status serve_driver(UpsDevice& device, UpsState state, const std::string& socket_path,
                    std::shared_ptr<SimDevice> sim) {
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
  handlers.instcmd = [&loop](const driver_protocol::InstCmd& command,
                             DriverSocketServer::Reply reply) {
    log::info("instcmd: {}{}", command.name, command.param ? " " + *command.param : "");
    loop.submit_instcmd(command.name, command.param, std::move(reply));
  };
  handlers.set = [&loop](const driver_protocol::Set& command, DriverSocketServer::Reply reply) {
    log::info("setvar: {} to {}", command.name, command.value);
    loop.submit_set(command.name, command.value, std::move(reply));
  };
  server = std::make_unique<DriverSocketServer>(io, socket_path, std::move(handlers));
  if (auto listening = server->listen(); !listening) return listening;
  log::debug(1, "driver socket {} open", socket_path);

  asio::signal_set stop_signals(io, SIGTERM, SIGINT, SIGQUIT);
  stop_signals.async_wait([&](const asio::error_code& error, int signal) {
    if (error) return;
    log::info("Signal {}: exiting", signal);
    server->stop();
    io.stop();
  });
  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> ignore_hangup = [&] {
    hangup.async_wait([&](const asio::error_code& error, int) {
      if (!error) ignore_hangup();
    });
  };
  ignore_hangup();
  asio::signal_set sim_signals(io);
  if (sim) {
    sim_signals.add(SIGUSR1);
    sim_signals.add(SIGUSR2);
    watch_sim_signals(sim_signals, sim);
  }

  loop.start();
  asio::steady_timer watchdog(io);
  if (auto period = service::watchdog_period()) {
    keep_watchdog(watchdog, *period, loop, loop.heartbeat());
  }
  service::notify_ready();
  io.run();
  service::notify_stopping();
  loop.stop();
  server->stop();
  return Ok{};
}

}  // namespace walnut::usbhid
