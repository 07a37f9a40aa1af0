// The port string -> transport choice (ups.conf `port`): "auto" -> libusb-1.0, "hidraw" or
// "/dev/hidrawN" -> hidapi, "sim:FILE" -> the simulated device replaying a capture.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "drivers/usbhid/mapping/subdriver.h"
#include "drivers/usbhid/transport/transport.h"

namespace walnut::usbhid {

enum class PortKind { kLibusb, kHidapi, kSim };

struct PortSpec {
  PortKind kind = PortKind::kLibusb;
  std::string path;  // hidraw node ("" = any) or capture file
};

// Pure. NUT's USB drivers ignore other port values (the device is found by matching), so
// anything else means libusb too; an empty "sim:" is an error.
Result<PortSpec> parse_port(std::string_view port);

// Builds the transport (not yet open). A sim transport loads its capture now; its SET_REPORT
// log goes to $WALNUT_SIM_LOG when that is set.
// `usb` tunes the libusb transport; other transports have no such knobs. `claim` carries the
// options that steer subdriver selection (subdriver, productid, explore): for each device it
// considers, the libusb transport takes the interface and endpoints of the subdriver that would
// claim it (the mapping's `usb:`), under the user's usb_hid_* options.
Result<std::unique_ptr<Transport>> make_transport(const PortSpec& spec, const UsbTuning& usb = {},
                                                  const mapping::SelectionRequest& claim = {});

// The ClaimTuning the libusb transport gets: the claiming subdriver's USB numbers for a device.
ClaimTuning claim_tuning(const mapping::SelectionRequest& claim);

// What a signal does to a transport's device, for the driver to watch: the simulated UPS
// unplugs on SIGUSR1 and is plugged back in on SIGUSR2; real devices have none.
struct SignalAction {
  int signal = 0;
  std::function<void()> action;
};
std::vector<SignalAction> signal_actions(Transport& transport);

// "libusb-1.0.26 (API: 0x1000109)" / "hidapi ..." / "sim": what driver.version.usb says.
std::string transport_version(const PortSpec& spec);

}  // namespace walnut::usbhid
