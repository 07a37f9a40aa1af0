// Tests of drivers/usbhid/sim/ups_physics.cpp.
#include "drivers/usbhid/sim/ups_physics.h"

#include <gtest/gtest.h>

namespace walnut::usbhid::sim {
namespace {

TEST(UpsPhysics, OnBatteryChargeFallsWithLoadAndRuntimeFollows) {
  UpsPhysics light;
  UpsPhysics heavy;
  heavy.load = 68;
  const UpsLimits limits;
  light.mains = heavy.mains = false;
  EXPECT_TRUE(on_battery(light, limits));
  EXPECT_TRUE(discharging(light, limits));
  EXPECT_NEAR(runtime_seconds(light), 868, 1e-9);
  advance(light, limits, 86.8);
  advance(heavy, limits, 86.8);
  EXPECT_NEAR(light.charge, 90, 1e-6);
  EXPECT_LT(heavy.charge, 80);  // twice the load drains more than twice as fast
  EXPECT_NEAR(runtime_seconds(light), 868 * 0.9, 1e-3);
}

TEST(UpsPhysics, ChargesBackOnLine) {
  UpsPhysics ups;
  const UpsLimits limits;
  ups.charge = 50;
  EXPECT_TRUE(charging(ups, limits));
  EXPECT_FALSE(discharging(ups, limits));
  advance(ups, limits, 360);
  EXPECT_NEAR(ups.charge, 60, 1e-6);
  advance(ups, limits, 10000);
  EXPECT_EQ(ups.charge, 100);
  EXPECT_FALSE(charging(ups, limits));
}

TEST(UpsPhysics, LowBatteryWhenRuntimeOrChargeUnderTheLimits) {
  UpsPhysics ups;
  UpsLimits limits;
  ups.charge = 15;  // 130 s of runtime at 34 %
  EXPECT_FALSE(low_battery(ups, limits));
  ups.mains = false;
  EXPECT_FALSE(low_battery(ups, limits));
  advance(ups, limits, 15);
  EXPECT_TRUE(low_battery(ups, limits));  // runtime under 120 s on battery
  ups.mains = true;
  EXPECT_FALSE(low_battery(ups, limits));  // on line only the charge limit counts
  limits.capacity_limit = 20;
  EXPECT_TRUE(low_battery(ups, limits));
}

TEST(UpsPhysics, SagsBoostWithinTheWindowAndGoOnBatteryBelowIt) {
  UpsPhysics ups;
  const UpsLimits limits;
  ups.utility_voltage = 200;
  EXPECT_TRUE(line_ok(ups, limits));
  EXPECT_TRUE(boosting(ups, limits));
  EXPECT_EQ(output_voltage(ups, limits), 230);
  ups.utility_voltage = 170;
  EXPECT_FALSE(line_ok(ups, limits));
  EXPECT_TRUE(on_battery(ups, limits));
  EXPECT_FALSE(boosting(ups, limits));
  EXPECT_EQ(input_voltage(ups), 170);
  ups.utility_voltage = 260;
  EXPECT_TRUE(trimming(ups, limits));
}

TEST(UpsPhysics, ShutdownOnBatteryCutsOutputDropsOffUsbAndMainsRestoresIt) {
  UpsPhysics ups;
  const UpsLimits limits;
  ups.mains = false;
  start_shutdown(ups, 20, false);
  advance(ups, limits, 19);
  EXPECT_TRUE(ups.output_on);
  EXPECT_TRUE(usb_present(ups, limits));
  advance(ups, limits, 2);
  EXPECT_FALSE(ups.output_on);
  EXPECT_FALSE(usb_present(ups, limits));
  const double charge = ups.charge;
  advance(ups, limits, 600);
  EXPECT_FALSE(ups.output_on);  // stays dark without mains
  EXPECT_EQ(ups.charge, charge);
  ups.mains = true;
  advance(ups, limits, 1);
  EXPECT_TRUE(ups.output_on);
  EXPECT_TRUE(usb_present(ups, limits));
}

TEST(UpsPhysics, RebootOnLineStaysDarkForAWhileThenReturns) {
  UpsPhysics ups;
  const UpsLimits limits;
  start_shutdown(ups, 10, true);
  advance(ups, limits, 11);
  EXPECT_FALSE(ups.output_on);
  EXPECT_TRUE(usb_present(ups, limits));  // mains still powers the electronics
  advance(ups, limits, 10);
  EXPECT_TRUE(ups.output_on);
}

TEST(UpsPhysics, CancelledShutdownKeepsOutput) {
  UpsPhysics ups;
  const UpsLimits limits;
  start_shutdown(ups, 5, false);
  start_shutdown(ups, -1, false);
  advance(ups, limits, 10);
  EXPECT_TRUE(ups.output_on);
  EXPECT_FALSE(ups.shutdown_timer.has_value());
}

TEST(UpsPhysics, FlatBatteryCutsOutput) {
  UpsPhysics ups;
  const UpsLimits limits;
  ups.mains = false;
  ups.charge = 1;
  advance(ups, limits, 20);
  EXPECT_EQ(ups.charge, 0);
  EXPECT_FALSE(ups.output_on);
}

TEST(UpsPhysics, SelfTestPassesAndFailsWithAWornBattery) {
  UpsPhysics ups;
  const UpsLimits limits;
  request_self_test(ups, 1);
  EXPECT_EQ(ups.test, SelfTest::kInProgress);
  EXPECT_TRUE(discharging(ups, limits));
  EXPECT_TRUE(line_ok(ups, limits));
  advance(ups, limits, 11);
  EXPECT_EQ(ups.test, SelfTest::kPassed);
  ups.battery_worn = true;
  request_self_test(ups, 2);
  advance(ups, limits, 61);
  EXPECT_EQ(ups.test, SelfTest::kError);
  request_self_test(ups, 1);
  request_self_test(ups, 3);
  EXPECT_EQ(ups.test, SelfTest::kAborted);
}

TEST(UpsPhysics, OverloadAboveFullLoad) {
  UpsPhysics ups;
  ups.load = 110;
  EXPECT_TRUE(overloaded(ups));
  ups.load = 100;
  EXPECT_FALSE(overloaded(ups));
}

}  // namespace
}  // namespace walnut::usbhid::sim
