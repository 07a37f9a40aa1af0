// A client for the simulated UPS's control socket (WALNUT_SIM_SOCKET, docs/simulator.md): one
// command line per connection, answered with text ending in "OK" or "ERR <why>".
#pragma once

#include <string>

#include "common/result.h"

namespace walnut::bench {

// Sends `line` ("mains off") to the control socket at `path` and returns the reply once the
// sim has closed the connection, at most `timeout_seconds` later. A reply without a final
// "OK" line is an error.
Result<std::string> send_sim_control(const std::string& path, const std::string& line,
                                     double timeout_seconds);

}  // namespace walnut::bench
