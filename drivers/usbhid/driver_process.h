// The running driver: the io_context with the driver socket server, signal handling and the
// DriverLoop thread, wired together until SIGTERM/SIGINT/SIGQUIT, plus the signals the transport
// asks to watch (transport/factory.h signal_actions()).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/ups_state.h"
#include "drivers/usbhid/transport/factory.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {

// NUT 2.8.5's driver-core controls (drivers/main.c): the driver.* instant commands on the
// socket (advertised as 2.8.5 does, driver_core.h) and the reload signals.
struct DriverControl {
  // Re-reads the configuration: how many changed settings need a restart (0: none), or -1
  // when it cannot be read. Null: nothing to re-read (-s), which counts as 0.
  std::function<int()> reload;
  // -g / group=: the socket's group (chgrp, then g+rw), as main.c does when user or group
  // differ from the built-in ones.
  std::optional<std::string> socket_group;
};

// What a reload asked for does when `restart_needed` settings changed (NUT's reload_flag
// 1 / 2 and handle_reload_flag): the INSTCMD status to answer, and whether to exit.
struct ReloadOutcome {
  int status = 0;     // 0 handled, 2 invalid (reload-or-error with changes)
  bool exit = false;  // reload-or-exit with changes
};
ReloadOutcome reload_outcome(std::string_view command, int restart_needed);

// Serves `state` (already initialized from the device) on `socket_path` and runs the loop.
// `signals` are run on the io_context when their signal arrives; SIGHUP is NUT's reload and
// SIGUSR1 its reload-or-exit unless the transport claims it (the simulator's unplug). Returns
// when told to stop; an error when the socket cannot be created.
Status serve_driver(UpsDevice& device, UpsState state, const std::string& socket_path,
                    std::vector<SignalAction> signals, DriverControl control = {});

}  // namespace walnut::usbhid
