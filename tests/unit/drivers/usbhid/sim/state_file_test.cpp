// Tests of drivers/usbhid/sim/state_file.cpp.
#include "drivers/usbhid/sim/state_file.h"

#include <gtest/gtest.h>

namespace walnut::usbhid::sim {
namespace {

TEST(StateFile, RoundTripsEveryQuantity) {
  SavedState state;
  state.wall_seconds = 1764000000.25;
  state.ups.mains = false;
  state.ups.charge = 42.125;
  state.ups.load = 77;
  state.ups.cable_connected = false;
  state.ups.shutdown_timer = 3.5;
  state.ups.shutdown_is_reboot = true;
  state.ups.test = SelfTest::kWarning;
  state.ups.clock = 1234.5;
  auto back = state_from_text(state_to_text(state));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->wall_seconds, state.wall_seconds);
  EXPECT_FALSE(back->ups.mains);
  EXPECT_EQ(back->ups.charge, 42.125);
  EXPECT_EQ(back->ups.load, 77);
  EXPECT_FALSE(back->ups.cable_connected);
  EXPECT_EQ(back->ups.shutdown_timer, 3.5);
  EXPECT_TRUE(back->ups.shutdown_is_reboot);
  EXPECT_EQ(back->ups.test, SelfTest::kWarning);
  EXPECT_EQ(back->ups.clock, 1234.5);
}

TEST(StateFile, NoTimerIsKept) {
  SavedState state;
  auto back = state_from_text(state_to_text(state));
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->ups.shutdown_timer.has_value());
}

TEST(StateFile, RefusesIncompleteOrBadText) {
  EXPECT_FALSE(state_from_text("wall 1\nclock 2\n"));
  EXPECT_FALSE(state_from_text("wall x\n"));
  SavedState state;
  std::string text = state_to_text(state);
  text.replace(text.find("test 6"), 6, "test 9");
  EXPECT_FALSE(state_from_text(text));
}

}  // namespace
}  // namespace walnut::usbhid::sim
