// Tests of NUT 2.8.5's driver-core variables and commands (drivers/usbhid/driver_core.cpp).
#include "drivers/usbhid/driver_core.h"

#include <gtest/gtest.h>

namespace walnut::usbhid {
namespace {

TEST(DriverCore, PublishesWhat285HasAfterItsFirstUpdate) {
  UpsState state;
  publish_driver_core(3, state);
  EXPECT_EQ(*state.value("driver.state"), "quiet");
  EXPECT_EQ(*state.value("driver.debug"), "3");
  EXPECT_EQ(state.find("driver.debug")->flags, kFlagRw | kFlagNumber);
  EXPECT_EQ(*state.value("driver.flag.allow_killpower"), "0");
  EXPECT_EQ(state.find("driver.flag.allow_killpower")->flags, kFlagRw | kFlagNumber);
  for (const char* command : {"shutdown.default", "driver.killpower", "driver.reload",
                              "driver.reload-or-exit", "driver.reload-or-error"}) {
    EXPECT_TRUE(state.has_cmd(command)) << command;
  }
  // Handled on the socket, but 2.8.5 never advertises it; reload-or-restart is compiled out.
  EXPECT_FALSE(state.has_cmd("driver.exit"));
  EXPECT_FALSE(state.has_cmd("driver.reload-or-restart"));
  EXPECT_FALSE(killpower_allowed(state));
}

TEST(DriverCore, TheAllowKillpowerFlagIsPublishedAsOne) {
  UpsState state;
  state.set_info("driver.flag.allow_killpower", "enabled");  // as the option parser says it
  publish_driver_core(0, state);
  EXPECT_EQ(*state.value("driver.flag.allow_killpower"), "1");
  EXPECT_TRUE(killpower_allowed(state));
}

TEST(DriverCore, SetAllowKillpowerTakesNumbersAndWords) {
  UpsState state;
  publish_driver_core(0, state);
  const std::pair<const char*, const char*> cases[] = {
      {"1", "1"}, {"7", "1"}, {"0", "0"}, {"-3", "0"}, {"enabled", "1"}, {"enable", "1"},
      {"true", "1"}, {"yes", "1"}, {"on", "1"}, {"off", "0"}, {"nonsense", "0"}};
  for (const auto& [value, published] : cases) {
    const CoreSet set = set_driver_core_variable("driver.flag.allow_killpower", value, 0, state);
    EXPECT_EQ(set.status, kSetHandled) << value;
    EXPECT_FALSE(set.debug_level) << value;
    EXPECT_EQ(*state.value("driver.flag.allow_killpower"), published) << value;
  }
}

TEST(DriverCore, SetDebugTakesAnIntegerAndNegativeMeansTheConfiguredLevel) {
  UpsState state;
  publish_driver_core(2, state);
  CoreSet set = set_driver_core_variable("driver.debug", "5", 2, state);
  EXPECT_EQ(set.status, kSetHandled);
  EXPECT_EQ(set.debug_level, 5);
  EXPECT_EQ(*state.value("driver.debug"), "5");
  set = set_driver_core_variable("driver.debug", "-1", 2, state);
  EXPECT_EQ(set.status, kSetHandled);
  EXPECT_EQ(set.debug_level, 2);
  EXPECT_EQ(*state.value("driver.debug"), "2");
  for (const char* bad : {"", "x", "3x", "1.5"}) {
    set = set_driver_core_variable("driver.debug", bad, 2, state);
    EXPECT_EQ(set.status, kSetInvalid) << bad;
    EXPECT_FALSE(set.debug_level) << bad;
  }
  EXPECT_EQ(*state.value("driver.debug"), "2");
}

TEST(DriverCore, OnlyTheCoreVariablesAreItsOwn) {
  EXPECT_TRUE(is_driver_core_variable("driver.debug"));
  EXPECT_TRUE(is_driver_core_variable("driver.flag.allow_killpower"));
  EXPECT_FALSE(is_driver_core_variable("driver.state"));
  EXPECT_FALSE(is_driver_core_variable("ups.delay.shutdown"));
}

}  // namespace
}  // namespace walnut::usbhid
