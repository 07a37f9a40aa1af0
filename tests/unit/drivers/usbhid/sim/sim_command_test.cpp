// Tests of drivers/usbhid/sim/sim_command.cpp.
#include "drivers/usbhid/sim/sim_command.h"

#include <memory>

#include <gtest/gtest.h>

namespace walnut::usbhid::sim {
namespace {

TEST(SimCommand, ParsesTheWorldCommands) {
  auto mains = parse_sim_command("  mains   off\n");
  ASSERT_TRUE(mains) << mains.error();
  EXPECT_EQ(mains->kind, SimCommand::Kind::kMains);
  EXPECT_FALSE(mains->on);
  auto load = parse_sim_command("load 80.5");
  ASSERT_TRUE(load);
  EXPECT_EQ(load->number, 80.5);
  EXPECT_TRUE(parse_sim_command("unplug"));
  EXPECT_TRUE(parse_sim_command("battery worn"));
  EXPECT_TRUE(parse_sim_command("status"));
}

TEST(SimCommand, RefusesBadArgumentsSayingWhy) {
  auto load = parse_sim_command("load lots");
  ASSERT_FALSE(load);
  EXPECT_EQ(load.error(), "load: expected a number from 0 to 200, got 'lots'");
  EXPECT_FALSE(parse_sim_command("charge 101"));
  EXPECT_FALSE(parse_sim_command("mains maybe"));
  EXPECT_FALSE(parse_sim_command("unplug now"));
  EXPECT_FALSE(parse_sim_command(""));
  EXPECT_FALSE(parse_sim_command("explode"));
}

TEST(SimCommand, UsbFaultsOfTheBusNotTheUps) {
  auto slow = parse_sim_command("usb slow 300 timeout 10");
  ASSERT_TRUE(slow) << slow.error();
  EXPECT_EQ(slow->kind, SimCommand::Kind::kUsb);
  EXPECT_EQ(slow->number, 300);
  EXPECT_EQ(slow->every, 10);
  EXPECT_FALSE(slow->on);
  auto busy = parse_sim_command("usb busy");
  ASSERT_TRUE(busy);
  EXPECT_TRUE(busy->on);
  auto ok = parse_sim_command("usb ok");
  ASSERT_TRUE(ok);
  EXPECT_FALSE(ok->on);
  EXPECT_EQ(ok->number, 0);
  EXPECT_TRUE(parse_sim_command("usb slow 50"));
  EXPECT_FALSE(parse_sim_command("usb slow"));
  EXPECT_FALSE(parse_sim_command("usb slow 300 timeout"));
  EXPECT_FALSE(parse_sim_command("usb slow 300 every 10"));
  EXPECT_FALSE(parse_sim_command("usb slow 300 timeout 0"));
  EXPECT_FALSE(parse_sim_command("usb"));
  EXPECT_FALSE(parse_sim_command("usb fast"));
  EXPECT_FALSE(apply_to_physics(*slow, *std::make_unique<UpsPhysics>()));  // not the UPS's
}

TEST(SimCommand, HostWriteRoundTrips) {
  const std::string line = host_write_line({0x40, 0x0a});
  EXPECT_EQ(line, "hostwrite 0x40 40 0a");
  auto command = parse_sim_command(line);
  ASSERT_TRUE(command) << command.error();
  EXPECT_EQ(command->bytes, (std::vector<std::uint8_t>{0x40, 0x0a}));
  EXPECT_FALSE(parse_sim_command("hostwrite 0x40 41 0a"));
  EXPECT_FALSE(parse_sim_command("hostwrite 0x40 zz"));
}

TEST(SimCommand, AppliesToThePhysics) {
  UpsPhysics ups;
  EXPECT_TRUE(apply_to_physics(*parse_sim_command("mains off"), ups));
  EXPECT_FALSE(ups.mains);
  EXPECT_TRUE(apply_to_physics(*parse_sim_command("voltage 200"), ups));
  EXPECT_TRUE(ups.mains);
  EXPECT_EQ(ups.utility_voltage, 200);
  EXPECT_TRUE(apply_to_physics(*parse_sim_command("unplug"), ups));
  EXPECT_FALSE(ups.cable_connected);
  EXPECT_TRUE(apply_to_physics(*parse_sim_command("battery worn"), ups));
  EXPECT_TRUE(ups.battery_worn);
  EXPECT_TRUE(apply_to_physics(*parse_sim_command("battery absent"), ups));
  EXPECT_FALSE(ups.battery_present);
  EXPECT_TRUE(apply_to_physics(*parse_sim_command("battery ok"), ups));  // a new one fitted
  EXPECT_TRUE(ups.battery_present);
  EXPECT_FALSE(ups.battery_worn);
  EXPECT_FALSE(apply_to_physics(*parse_sim_command("status"), ups));
}

}  // namespace
}  // namespace walnut::usbhid::sim
