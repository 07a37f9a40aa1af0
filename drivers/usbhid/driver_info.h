// What usbhid-ups publishes about itself and how it starts a UPS's state (NUT's main.c order):
// device.type, driver.* (name, versions, parameters, flags), the device's first reading, then
// device.mfr/model/serial copied from ups.*; and the upsc-like text of -d. Mostly pure.
#pragma once

#include <string>

#include "common/result.h"
#include "common/ups_state.h"
#include "drivers/usbhid/driver_options.h"

namespace walnut::usbhid {

class UpsDevice;

// NUT's version this driver stands in for (driver.version); driver.version.internal is
// "walnut-" and walnut's own (common/version.h).
inline constexpr const char* kNutVersion = "2.8.0";

// device.type and driver.name / driver.version / driver.version.internal / driver.version.usb,
// then the driver.parameter.* and driver.flag.* of the options. Pure.
void publish_driver_info(const DriverOptions& options, const std::string& usb_version,
                         UpsState& state);
// What main.c sets after the first update: pollfreq, pollinterval, synchronous and
// device.mfr/model/serial from ups.*. Pure.
void publish_after_first_update(const DriverOptions& options, UpsState& state);

// The whole start: driver info, the model's identity and init walk, one full walk, then
// publish_after_first_update and NUT 2.8.5's driver core (driver_core.h). REQUIRES: device opened with its model.
Status start_state(UpsDevice& device, const std::string& usb_version, UpsState& state);

// "name: value" lines in tree order, as NUT's -d prints them (dstate_dump). Pure.
std::string dump_text(const UpsState& state);

}  // namespace walnut::usbhid
