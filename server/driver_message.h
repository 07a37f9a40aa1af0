// What upsd does with one line from a driver's socket (NUT's server/sstate.c parse_args):
// a pure function from the line's words to changes in the UPS's store and link flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/variable_store.h"

namespace walnut::server {

// The link flags the driver's messages drive.
struct DriverDumpState {
  bool dump_done = false;  // DUMPDONE seen since (re)connecting
  bool data_ok = false;    // last DATAOK/DATASTALE said OK
};

struct TrackingResult {
  std::string id;
  std::string status;
};

struct DriverMessageOutcome {
  bool recognized = false;  // a recognized line counts as hearing from the driver
  std::optional<TrackingResult> tracking;
};

DriverMessageOutcome apply_driver_message(const std::vector<std::string>& words,
                                          VariableStore& store, DriverDumpState& dump);

}  // namespace walnut::server
