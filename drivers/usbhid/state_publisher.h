// Turns the driver's working state into the incremental driver-socket messages upsd receives:
// the difference between what readers were last told and what the device model holds now. Pure.
#pragma once

#include <vector>

#include "common/driver_protocol.h"
#include "common/ups_state.h"

namespace walnut::usbhid {

// Returns the messages (SETINFO, SETFLAGS, SETAUX, ADD/DELENUM, ADD/DELRANGE, DELINFO,
// ADD/DELCMD, then DATAOK or DATASTALE) that bring a reader holding `published` to `current`,
// and applies them to `published`. Values compare as NUT's state tree does (a case-only change
// is no change); IMMUTABLE is driver-internal and never sent.
std::vector<driver_protocol::DriverMessage> publish_changes(const UpsState& current,
                                                            UpsState& published);

}  // namespace walnut::usbhid
