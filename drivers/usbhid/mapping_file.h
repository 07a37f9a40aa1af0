// The mapping file the driver's `mapping` option names: parsed by walnut-yaml in a child process
// (common/yaml_helper.h), which hands the mapping back packed (mapping_pack.h).
#pragma once

#include <string>

#include "common/result.h"
#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::usbhid {

// Errors carry walnut-yaml's own message ("FILE:LINE: why") or say why it could not run.
Result<mapping::Mapping> load_mapping_file(const std::string& path);

}  // namespace walnut::usbhid
