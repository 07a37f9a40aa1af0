// The running driver: the io_context with the driver socket server, signal handling and the
// DriverLoop thread, wired together until SIGTERM/SIGINT/SIGQUIT, plus the signals the transport
// asks to watch (transport/factory.h signal_actions()).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/ups_state.h"
#include "drivers/usbhid/transport/factory.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {

// Serves `state` (already initialized from the device) on `socket_path` and runs the loop.
// `signals` are run on the io_context when their signal arrives. Returns when told to stop;
// an error when the socket cannot be created.
Status serve_driver(UpsDevice& device, UpsState state, const std::string& socket_path,
                    std::vector<SignalAction> signals);

}  // namespace walnut::usbhid
