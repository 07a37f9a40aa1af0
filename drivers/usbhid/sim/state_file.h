// The simulated UPS's state saved beside its control socket, so that a driver killed and
// restarted mid-outage finds the device where it was (the device kept running meanwhile).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "drivers/usbhid/sim/ups_physics.h"

namespace walnut::usbhid::sim {

struct SavedState {
  UpsPhysics ups;
  double wall_seconds = 0;  // CLOCK_REALTIME when saved, to advance by the time gone since
};

// Pure: "key value" lines.
std::string state_to_text(const SavedState& state);
Result<SavedState> state_from_text(std::string_view text);

// Writes atomically (temporary file + rename); reads. Errors name the file.
Status save_state(const std::string& path, const SavedState& state);
Result<SavedState> load_state(const std::string& path);

}  // namespace walnut::usbhid::sim
