// Builds the device lab's emulated UPS from a capture file (tests/data/hid-corpus/*.txt), read
// with walnut_hid's capture reader, answering reports as NUT's oracle does.
#pragma once

#include <string>

#include "common/result.h"
#include "tests/devicelab/emulated_ups.h"

namespace walnut::devicelab {

// The capture's ids and strings; its descriptor; a Feature report for every feature report ID
// in the descriptor (the captured bytes, else zeros of the descriptor's size); its `interrupts:`.
// A capture without a serial gets `default_serial`, so tests can match by serial. Header keys
// `interface` (the HID's interface number) and `endpoint-in` (hex) place the HID function.
Result<UpsImage> ups_image_from_capture(const std::string& path, const std::string& default_serial);

}  // namespace walnut::devicelab
