// Subdriver selection in NUT's order, and the claimed-id table the udev rules come from.
#include "drivers/usbhid/mapping/subdriver.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "drivers/usbhid/mapping/mapping.h"

namespace walnut::mapping {
namespace {

SelectionRequest device(std::uint16_t vendor, std::uint16_t product) {
  SelectionRequest request;
  request.vendor_id = vendor;
  request.product_id = product;
  return request;
}

TEST(Subdriver, ApcClaimsItsProducts) {
  auto selection = select_subdriver(device(0x051d, 0x0002));
  ASSERT_TRUE(selection.ok()) << selection.error();
  EXPECT_EQ(selection->key, "apc");
  EXPECT_EQ(selection->version, "APC HID 0.98");
  EXPECT_FALSE(selection->quirks.disable_interrupt_pipe);
}

TEST(Subdriver, Apc5gModelsDisableTheInterruptPipe) {
  auto selection = select_subdriver(device(0x051d, 0x0003));
  ASSERT_TRUE(selection.ok());
  EXPECT_TRUE(selection->quirks.disable_interrupt_pipe);
}

TEST(Subdriver, BackUpsCsGetsTheMaxReportTweak) {
  SelectionRequest request = device(0x051d, 0x0002);
  request.product = "Back-UPS CS 650 FW:817.v4.I USB FW:v4";
  EXPECT_TRUE(select_subdriver(request)->quirks.max_report_size);
  request.product = "Back-UPS ES 850G2 FW:938.a2 .I USB FW:a2";
  EXPECT_FALSE(select_subdriver(request)->quirks.max_report_size);
}

TEST(Subdriver, UnknownProductOfKnownVendorNeedsProductidOption) {
  auto refused = select_subdriver(device(0x051d, 0x0009));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("This APC device (051d:0009) is not (or perhaps not yet) supported"),
            std::string::npos);
  SelectionRequest request = device(0x051d, 0x0009);
  request.productid_option = true;
  EXPECT_EQ(select_subdriver(request)->key, "apc");
}

TEST(Subdriver, UnknownVendorIsRefusedUnlessExploring) {
  EXPECT_FALSE(select_subdriver(device(0x5131, 0x2007)).ok());
  SelectionRequest request = device(0x5131, 0x2007);
  request.explore = true;
  EXPECT_EQ(select_subdriver(request)->key, "explore");
  request = device(0x051d, 0x0002);  // explore comes first in NUT's list
  request.explore = true;
  EXPECT_EQ(select_subdriver(request)->key, "explore");
}

TEST(Subdriver, SubdriverOptionPicksByKeyOrName) {
  SelectionRequest request = device(0x1234, 0x5678);
  request.subdriver = "cps";
  EXPECT_EQ(select_subdriver(request)->key, "cps");
  request.subdriver = "apc hid";
  EXPECT_EQ(select_subdriver(request)->key, "apc");
  request.subdriver = "nonesuch";
  EXPECT_FALSE(select_subdriver(request).ok());
}

TEST(Subdriver, CyberPowerClaims) { EXPECT_EQ(select_subdriver(device(0x0764, 0x0501))->key, "cps"); }

TEST(Subdriver, ClaimedDevicesListEveryIdOnceInClaimOrder) {
  auto devices = claimed_devices();
  ASSERT_FALSE(devices.empty());
  // Grouped by subdriver, subdrivers in NUT's claim order.
  const auto& order = builtin_mapping_names();
  auto rank = [&](const std::string& key) { return std::find(order.begin(), order.end(), key) - order.begin(); };
  for (std::size_t i = 1; i < devices.size(); ++i) {
    EXPECT_LE(rank(devices[i - 1].subdriver), rank(devices[i].subdriver));
  }
  bool apc0002 = false;
  for (const auto& d : devices) apc0002 |= d.vendor_id == 0x051d && d.product_id == 0x0002 && d.subdriver == "apc";
  EXPECT_TRUE(apc0002);
}

}  // namespace
}  // namespace walnut::mapping

namespace walnut::mapping {
namespace {

TEST(Subdriver, TrippLiteClaimsAndRefusals) {
  EXPECT_EQ(select_subdriver(device(0x09ae, 0x3016))->key, "tripplite");
  SelectionRequest serial_over_usb = device(0x09ae, 0x0001);
  serial_over_usb.productid_option = true;  // refused even then
  auto refused = select_subdriver(serial_over_usb);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("Please use the tripplite_usb driver instead."), std::string::npos);
  auto hp = select_subdriver(device(0x03f0, 0x9999));
  ASSERT_FALSE(hp.ok());
  EXPECT_EQ(hp.error().find("is not (or perhaps not yet) supported"), std::string::npos);  // quietly
  SelectionRequest hp_forced = device(0x03f0, 0x9999);
  hp_forced.productid_option = true;
  EXPECT_TRUE(select_subdriver(hp_forced).ok());
}

}  // namespace
}  // namespace walnut::mapping
