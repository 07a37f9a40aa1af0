// libhidapi-hidraw, loaded the first time port=hidraw opens a device rather than at every start
// (issue 19, docs/benchmarks/README.md "Memory"): a driver on libusb (port=auto, the usual case)
// or the simulator never maps it, nor pays its relocations (24 kB of RSS, 8 of them private).
#pragma once

#include <hidapi.h>

#include "common/result.h"

namespace walnut::usbhid {

// The hidapi calls the hidapi transport makes, bound from the loaded library.
struct HidapiLibrary {
  decltype(&::hid_init) init = nullptr;
  decltype(&::hid_enumerate) enumerate = nullptr;
  decltype(&::hid_free_enumeration) free_enumeration = nullptr;
  decltype(&::hid_open_path) open_path = nullptr;
  decltype(&::hid_close) close = nullptr;
  decltype(&::hid_error) error = nullptr;
  decltype(&::hid_get_feature_report) get_feature_report = nullptr;
  decltype(&::hid_send_feature_report) send_feature_report = nullptr;
  decltype(&::hid_read_timeout) read_timeout = nullptr;
};

// The library, loaded (dlopen) and bound once for the process: the path hidapi was built
// against (WALNUT_HIDAPI_LIBRARY, pkg-config's libdir), else its soname through the loader's
// search path. Error: the paths tried and dlerror(), or the symbol that is missing.
Result<const HidapiLibrary*> hidapi_library();

}  // namespace walnut::usbhid
