// walnut-yaml, the program that parses the YAML the driver is given (a `mapping` file, a sim
// scenario) and hands it back packed (common/pack.h): the driver carries no YAML parser (issue
// 19: yaml-cpp's iostreams and std::locale alone are ~0.5 MB of the static driver's resident
// memory), and a user's file is parsed outside the long-running process.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace walnut {

// Runs `walnut-yaml ARGS...` and returns what it writes to standard output. walnut-yaml is
// looked for at $WALNUT_YAML when set, beside this program (build/bin, or the driver's install
// directory), then in the driver's install directory. Errors carry walnut-yaml's own message ("FILE:LINE: why") or say
// why it could not run.
Result<std::string> run_walnut_yaml(const std::vector<std::string>& args);

}  // namespace walnut
