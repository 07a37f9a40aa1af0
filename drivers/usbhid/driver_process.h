// The running driver: the io_context with the driver socket server, signal handling and the
// DriverLoop thread, wired together until SIGTERM/SIGINT/SIGQUIT. The sim's SIGUSR1 unplugs
// and SIGUSR2 replugs the simulated device.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "common/ups_state.h"
#include "drivers/usbhid/transport/sim_device.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {

// Serves `state` (already initialized from the device) on `socket_path` and runs the loop.
// `sim` is the simulated device when port=sim:FILE, else null. Returns when told to stop;
// an error when the socket cannot be created.
Status serve_driver(UpsDevice& device, UpsState state, const std::string& socket_path,
                    std::shared_ptr<SimDevice> sim);

}  // namespace walnut::usbhid
