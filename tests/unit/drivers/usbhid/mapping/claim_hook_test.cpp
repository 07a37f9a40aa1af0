// Claim hooks (claim_hook.cpp): the registry, what each hook sets, and its documentation.
#include "drivers/usbhid/mapping/claim_hook.h"

#include <gtest/gtest.h>

#include "tests/unit/drivers/usbhid/mapping/doc_table.h"

namespace walnut::mapping {
namespace {

ClaimQuirks run(std::string_view hook, std::optional<std::string> product = std::nullopt) {
  const ClaimHook* found = find_claim_hook(hook);
  EXPECT_NE(found, nullptr) << hook;
  ClaimQuirks quirks;
  if (found != nullptr) found->apply(DeviceIdentity{0x051d, 0x0002, std::nullopt, product, std::nullopt}, quirks);
  return quirks;
}

TEST(ClaimHook, EachHookSetsWhatNutsFunctionSets) {
  EXPECT_TRUE(run("disable_interrupt_pipe").disable_interrupt_pipe);
  EXPECT_NE(run("disable_interrupt_pipe").info, "");
  EXPECT_TRUE(run("apc_max_report", "Back-UPS CS 650 FW:817.v9.I USB FW:v9").max_report_size);
  EXPECT_TRUE(run("apc_max_report", "Back-UPS ES 525").max_report_size);
  EXPECT_FALSE(run("apc_max_report", "Back-UPS ES 850G2").max_report_size);
  EXPECT_NE(run("apc_max_report").warning, "");  // no iProduct: NUT's warning
  EXPECT_TRUE(run("cps_battery_scale").battery_scale_check);
  EXPECT_EQ(run("tl_battery_scale_0dot1").scales.battery, 0.1);
  EXPECT_EQ(run("tl_battery_scale_1dot0").scales.battery, 1.0);
  const ClaimQuirks smart = run("tl_smart1500lcdt_scale");
  EXPECT_EQ(smart.scales.io_voltage, 100000.0);
  EXPECT_EQ(smart.scales.io_current, 0.01);
  EXPECT_TRUE(run("powercom_interrupt_only").interrupt_only);
  EXPECT_EQ(run("powercom_interrupt_only").interrupt_size, 8u);
  EXPECT_EQ(find_claim_hook("teleport"), nullptr);
}

TEST(ClaimHook, QuirksComeFromTheClaimWithTheDevicesIds) {
  auto mapping = load_mapping(
      "subdriver: t\nversion: T\nclaims:\n"
      "  - {vendor: 0x051d, product: 0x0002, hook: apc_max_report}\n"
      "  - {vendor: 0x051d, product: 0x0003, hook: disable_interrupt_pipe}\n",
      "t.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.error();
  EXPECT_TRUE(claim_quirks(*mapping, {0x051d, 0x0003, {}, {}, {}}).disable_interrupt_pipe);
  EXPECT_TRUE(claim_quirks(*mapping, {0x051d, 0x0002, {}, "Back-UPS CS", {}}).max_report_size);
  const ClaimQuirks none = claim_quirks(*mapping, {0x051d, 0x0004, {}, "Back-UPS CS", {}});
  EXPECT_FALSE(none.max_report_size || none.disable_interrupt_pipe);
}

// powercom-hid.c:769: only 0d9f:0001 is read from its interrupt pipe alone, 8 bytes at a time.
TEST(ClaimHook, PowercomInterruptOnlyIsFor0001) {
  auto powercom = builtin_mapping("powercom");
  ASSERT_TRUE(powercom.ok()) << powercom.error();
  const ClaimQuirks quirks = claim_quirks(*powercom, {0x0d9f, 0x0001, {}, {}, {}});
  EXPECT_TRUE(quirks.interrupt_only);
  EXPECT_EQ(quirks.interrupt_size, 8u);
  EXPECT_FALSE(claim_quirks(*powercom, {0x0d9f, 0x0004, {}, {}, {}}).interrupt_only);
}

TEST(ClaimHook, DocsListTheRegistry) {
  std::vector<std::string> expected = {"| hook | what it does | NUT's name |", "|---|---|---|"};
  for (const ClaimHook& hook : claim_hooks()) {
    expected.push_back("| `" + std::string(hook.name) + "` | " + std::string(hook.doc) + " | `" +
                       std::string(hook.nut_name) + "` |");
  }
  EXPECT_EQ(testing::joined(testing::doc_table("docs/mappings.md", "| hook |")), testing::joined(expected));
}

}  // namespace
}  // namespace walnut::mapping
