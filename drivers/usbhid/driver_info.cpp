// Driver self-description and state start-up.
#include "drivers/usbhid/driver_info.h"

#include "common/log.h"
#include "common/version.h"
#include "drivers/usbhid/driver_core.h"
#include "drivers/usbhid/ups_device.h"

namespace walnut::usbhid {

void publish_driver_info(const DriverOptions& options, const std::string& usb_version,
                         UpsState& state) {
  state.set_info("device.type", "ups");
  for (const auto& [name, value] : options.published) state.set_info(name, value);
  state.set_info("driver.version", kNutVersion);
  state.set_info("driver.version.internal", "walnut-" + std::string(kWalnutVersion));
  state.set_info("driver.name", "usbhid-ups");
  state.set_info("driver.version.usb", usb_version);
}

void publish_after_first_update(const DriverOptions& options, UpsState& state) {
  state.set_info("driver.parameter.pollfreq", std::to_string(options.poll_freq.count()));
  state.set_info("driver.parameter.pollinterval", std::to_string(options.poll_interval.count()));
  auto synchronous = options.values.find("synchronous");
  state.set_info("driver.parameter.synchronous",
                 synchronous != options.values.end() && synchronous->second
                     ? *synchronous->second
                     : std::string("auto"));
  for (const char* field : {"mfr", "model", "serial"}) {
    if (const std::string* value = state.value(std::string("ups.") + field)) {
      const std::string copy = *value;
      state.set_info(std::string("device.") + field, copy);
    }
  }
}

Status start_state(UpsDevice& device, const std::string& usb_version, UpsState& state) {
  publish_driver_info(device.options(), usb_version, state);
  if (auto initialized = device.init(state); !initialized) return initialized;
  // The first update composes ups.status and ups.alarm from the reports the init walk has just
  // read: GETting them all again a millisecond later doubled the start-up's transfers.
  device.walk_cached(mapping::WalkMode::kFull, state);
  publish_after_first_update(device.options(), state);
  publish_driver_core(log::debug_level(), state);
  return Ok{};
}

std::string dump_text(const UpsState& state) {
  std::string text;
  for (const auto& [name, variable] : state.variables()) {
    text += variable.name;
    text += ": ";
    text += variable.value;
    text += '\n';
  }
  return text;
}

}  // namespace walnut::usbhid
