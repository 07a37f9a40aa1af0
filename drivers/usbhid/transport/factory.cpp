// Transport factory.
#include "drivers/usbhid/transport/factory.h"

#include <csignal>
#include <cstdlib>
#include <string_view>

#include "common/log.h"

#include "drivers/usbhid/transport/sim_capture.h"
#include "drivers/usbhid/transport/sim_transport.h"
#ifdef WALNUT_HAVE_SIM_MODEL
#include "drivers/usbhid/sim/simulation.h"
#endif
#ifdef WALNUT_HAVE_LIBUSB_TRANSPORT
#include "drivers/usbhid/transport/libusb_transport.h"
#endif
#ifdef WALNUT_HAVE_HIDAPI_TRANSPORT
#include "drivers/usbhid/transport/hidapi_transport.h"
#endif

namespace walnut::usbhid {

Result<PortSpec> parse_port(std::string_view port) {
  constexpr std::string_view kSim = "sim:";
  constexpr std::string_view kHidrawNode = "/dev/hidraw";
  if (port.substr(0, kSim.size()) == kSim) {
    if (port.size() == kSim.size()) return Error{"port sim: needs a capture file (sim:FILE)"};
    return PortSpec{PortKind::kSim, std::string(port.substr(kSim.size()))};
  }
  if (port == "hidraw") return PortSpec{PortKind::kHidapi, ""};
  if (port.substr(0, kHidrawNode.size()) == kHidrawNode) {
    return PortSpec{PortKind::kHidapi, std::string(port)};
  }
  return PortSpec{PortKind::kLibusb, ""};
}

ClaimTuning claim_tuning(const mapping::SelectionRequest& claim) {
  return [claim](const DeviceInfo& device) {
    mapping::SelectionRequest request = claim;
    request.vendor_id = device.vendor_id;
    request.product_id = device.product_id;
    if (!device.vendor.empty()) request.vendor = device.vendor;
    if (!device.product.empty()) request.product = device.product;
    const mapping::UsbHidNumbers numbers = mapping::claim_usb_numbers(request);
    UsbTuning tuning;
    tuning.interface = numbers.rep_index;
    tuning.desc_index = numbers.desc_index;
    tuning.endpoint_in = numbers.ep_in;
    tuning.endpoint_out = numbers.ep_out;
    if (numbers.any()) {
      log::debug(1, "{:04x}:{:04x}: the subdriver's claim sets its USB numbers (usb_hid_rep_index, "
                 "usb_hid_ep_in, ... unless given)", device.vendor_id, device.product_id);
    }
    return tuning;
  };
}

Result<std::unique_ptr<Transport>> make_transport(const PortSpec& spec, const UsbTuning& usb,
                                                  const mapping::SelectionRequest& claim) {
  switch (spec.kind) {
    case PortKind::kSim: {
      auto image = load_sim_image(spec.path);
      if (!image) return Error{image.error()};
      if (const char* strict = std::getenv("WALNUT_SIM_STRICT_LENGTH")) {
        image->overflow_on_short_request = std::string_view(strict) == "1";
      }
      auto device = std::make_shared<SimDevice>(std::move(*image));
      if (const char* log = std::getenv("WALNUT_SIM_LOG")) device->set_report_log(log);
#ifdef WALNUT_HAVE_SIM_MODEL
      // The physical model (drivers/usbhid/sim/), when WALNUT_SIM_SOCKET/_SCENARIO ask for it.
      if (auto attached = sim::attach_simulation(device); !attached) return Error{attached.error()};
#endif
      return std::unique_ptr<Transport>(std::make_unique<SimTransport>(std::move(device)));
    }
    case PortKind::kLibusb:
#ifdef WALNUT_HAVE_LIBUSB_TRANSPORT
      return std::unique_ptr<Transport>(std::make_unique<LibusbTransport>(usb, claim_tuning(claim)));
#else
      (void)usb;
      (void)claim;
      return Error{"this build has no libusb transport"};
#endif
    case PortKind::kHidapi:
#ifdef WALNUT_HAVE_HIDAPI_TRANSPORT
      (void)usb;
      (void)claim;  // a hidraw node is already one interface
      return std::unique_ptr<Transport>(std::make_unique<HidapiTransport>(spec.path));
#else
      return Error{"this build has no hidapi transport"};
#endif
  }
  return Error{"unknown port kind"};
}

std::vector<SignalAction> signal_actions(Transport& transport) {
  auto* sim = dynamic_cast<SimTransport*>(&transport);
  if (sim == nullptr) return {};
  std::shared_ptr<SimDevice> device = sim->device();
  return {{SIGUSR1,
           [device] {
             log::notice("sim: unplugging the simulated UPS");
             device->unplug();
           }},
          {SIGUSR2, [device] {
             log::notice("sim: plugging the simulated UPS back in");
             device->replug();
           }}};
}

std::string transport_version(const PortSpec& spec) {
  switch (spec.kind) {
    case PortKind::kSim:
      return "walnut sim";
    case PortKind::kLibusb:
#ifdef WALNUT_HAVE_LIBUSB_TRANSPORT
      return LibusbTransport::version_string();
#else
      return "none";
#endif
    case PortKind::kHidapi:
      return "hidapi-hidraw";
  }
  return "none";
}

}  // namespace walnut::usbhid
