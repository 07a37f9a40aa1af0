// Claim and identity of the device model (hid_ups_claim.cpp): rows resolved against the
// descriptor, override.*/default.* and the identity NUT publishes before the first walk.
#include "drivers/usbhid/mapping/hid_ups.h"

#include <algorithm>
#include <tuple>

#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/corpus_device.h"

namespace walnut::mapping {
namespace {

using testing::bring_up;
using testing::kEs850;
using testing::value;
using Bytes = std::vector<std::uint8_t>;

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
  EXPECT_EQ(value(ups->state, "driver.version.data"), "APC HID 0.101");  // 2.8.5's apc-hid.c:35
}

// belkin_format_mfr/model/serial (belkin-hid.c:598-637): blanks before the maker's name are cut,
// an empty iProduct is "unknown"; the capture without strings is belkin-identity-synthetic.
TEST(HidUpsClaim, BelkinIdentityTrimsAndFallsBack) {
  auto belkin = builtin_mapping("belkin");
  ASSERT_TRUE(belkin.ok());
  auto capture = hid::read_capture(testing::read_file(testing::corpus_path("belkin-identity-synthetic.txt")));
  ASSERT_TRUE(capture.ok());
  auto descriptor = hid::parse_report_descriptor(capture->descriptor);
  ASSERT_TRUE(descriptor.ok());
  for (auto [vendor, product, mfr, model] : {std::tuple{"  Liebert", "", "Liebert", "unknown"},
                                             std::tuple{"   ", "PSI 1440", "Belkin", "PSI 1440"}}) {
    DeviceIdentity identity{0x10af, 0x0004, std::string(vendor), std::string(product), std::string("S1")};
    auto model_ = HidUps::create(*descriptor, *belkin, identity, {}, [](int) { return std::nullopt; });
    ASSERT_TRUE(model_.ok());
    UpsState state;
    (*model_)->publish_identity(state);
    EXPECT_EQ(value(state, "ups.mfr"), mfr);
    EXPECT_EQ(value(state, "ups.model"), model);
    EXPECT_EQ(value(state, "ups.serial"), "S1");  // iSerialNumber wins over the item
  }
  auto ups = bring_up("belkin-identity-synthetic.txt");
  EXPECT_EQ(value(ups->state, "ups.serial"), "SN-FROM-ITEM");
  EXPECT_EQ(value(ups->state, "ups.model"), "unknown");
}

TEST(HidUpsClaim, DescriptorFixUnlessDisabled) {
  // Back-UPS XS 1400U: NUT's apc_fix_report_desc widens input Voltage's logical range.
  auto fixed = bring_up("apc-back-ups-xs-1400u.txt");
  ModelOptions options;
  options.disable_fix_report_desc = true;
  auto raw = bring_up("apc-back-ups-xs-1400u.txt", options);
  ASSERT_EQ(fixed->error, "");
  EXPECT_EQ(value(fixed->state, "input.voltage"), "0.0");  // NUT 2.8.0's reading (parity corpus)
  EXPECT_EQ(value(raw->state, "input.voltage"), "75.0");
}

TEST(HidUpsClaim, TheClaimsHookSetsMaxReportSize) {
  auto ups = bring_up(kEs850);
  EXPECT_EQ(ups->model->request_length(0x0c), 4u);  // ES 850G2: not one of NUT's tweaked models
  auto apc = builtin_mapping("apc");
  ASSERT_TRUE(apc.ok());
  // The same 051d:0002 claim (hook apc_max_report) with a Back-UPS CS product string.
  DeviceIdentity cs{0x051d, 0x0002, std::nullopt, "Back-UPS CS 650 FW:817.v9.I USB FW:v9", std::nullopt};
  auto model = HidUps::create(ups->descriptor, *apc, cs, {}, nullptr);
  ASSERT_TRUE(model.ok()) << model.error();
  EXPECT_EQ((*model)->request_length(0x0c), sizeof(unsigned char*));
}

}  // namespace
}  // namespace walnut::mapping
