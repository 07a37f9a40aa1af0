// Claim and identity of the device model (hid_ups_claim.cpp): rows resolved against the
// descriptor, override.*/default.* and the identity NUT publishes before the first walk.
#include "drivers/usbhid/mapping/hid_ups.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/corpus_device.h"

namespace walnut::mapping {
namespace {

using testing::bring_up;
using Bytes = std::vector<std::uint8_t>;

const char* kEs850 = "apc-back-ups-es-850g2.txt";

std::string value(const UpsState& state, const char* name) {
  const std::string* v = state.value(name);
  return v ? *v : "<absent>";
}

TEST(HidUpsClaim, OverrideIsImmutableAndDefaultReplacesTheDeviceValue) {
  ModelOptions options;
  options.overrides = {{"battery.charge", "77"}, {"ups.mfr", "Acme"}};
  options.defaults = {{"ups.load", "5"}, {"ups.delay.shutdown", "90"}};
  auto ups = bring_up(kEs850, options);
  EXPECT_EQ(value(ups->state, "battery.charge"), "77");
  EXPECT_TRUE(ups->state.find("battery.charge")->is_immutable());
  EXPECT_EQ(value(ups->state, "ups.mfr"), "Acme");
  ups->walk(WalkMode::kFull);
  EXPECT_EQ(value(ups->state, "battery.charge"), "77");
  // NUT's init walk skips rows of variables that already exist: the default stays.
  EXPECT_EQ(value(ups->state, "ups.load"), "5");
  EXPECT_EQ(value(ups->state, "ups.delay.shutdown"), "90");
}

TEST(HidUpsClaim, InterruptonlyResolvesInputItemsAndNeverPolls) {
  ModelOptions options;
  options.interruptonly = true;
  auto ups = bring_up(kEs850, options);
  EXPECT_TRUE(ups->model->reports_for_walk(WalkMode::kFull).empty());
  ups->model->on_interrupt(Bytes{0x0c, 0x2a, 0x10, 0x0e}, ups->state);
  EXPECT_EQ(value(ups->state, "battery.charge"), "42");
}

TEST(HidUpsClaim, IdentityFollowsTheSubdriver) {
  auto ups = bring_up(kEs850);
  EXPECT_EQ(value(ups->state, "ups.mfr"), "APC");  // no manufacturer string: APC's default
  EXPECT_EQ(value(ups->state, "ups.model"), "Back-UPS ES 850G2");
  EXPECT_EQ(value(ups->state, "ups.firmware"), "938.a2 .I");
  EXPECT_EQ(value(ups->state, "ups.firmware.aux"), "a2");
  EXPECT_EQ(value(ups->state, "ups.serial"), "<absent>");
  EXPECT_EQ(value(ups->state, "driver.version.data"), "APC HID 0.98");
}

}  // namespace
}  // namespace walnut::mapping
