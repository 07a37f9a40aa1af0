// The udev rules checker, and the committed rules file against the driver's id table.
#include "udev/rules_check.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "drivers/usbhid/mapping/subdriver.h"

namespace walnut::udev {
namespace {

std::string committed_rules() {
  std::ifstream in(WALNUT_SOURCE_DIR "/udev/62-nut-usbups.rules", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(UdevRules, CommittedFileIsWhatTheGeneratorWrites) {
  // Regenerate with: build/bin/walnut-udev-rules udev/62-nut-usbups.rules
  EXPECT_EQ(committed_rules(), mapping::udev_rules());
}

TEST(UdevRules, CommittedFilePassesTheSyntaxCheck) {
  const std::string text = committed_rules();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(check_rules(text), std::vector<std::string>{});
}

TEST(UdevRules, EveryIdTheDriverMatchesGetsTheNutGroup) {
  const auto ids = nut_group_ids(committed_rules());
  const auto claimed = mapping::claimed_devices();
  ASSERT_GT(claimed.size(), 10u);
  for (const auto& device : claimed) {
    EXPECT_TRUE(ids.count({device.vendor_id, device.product_id}))
        << std::hex << device.vendor_id << ":" << device.product_id << " (" << device.subdriver
        << ") has no rule";
  }
  // And nothing beyond what the driver claims.
  EXPECT_LE(ids.size(), claimed.size());
}

TEST(UdevRules, CheckerAcceptsOrdinaryRules) {
  EXPECT_EQ(check_rules("# comment\n\nSUBSYSTEM==\"usb\", ATTR{idVendor}==\"051d\", "
                        "MODE=\"0664\", GROUP=\"nut\"\n"),
            std::vector<std::string>{});
  EXPECT_EQ(check_rules("ACTION!=\"add\", GOTO=\"end\"\nLABEL=\"end\"\n"),
            std::vector<std::string>{});
}

TEST(UdevRules, CheckerReportsEachKindOfMistake) {
  const auto one = [](const char* text) {
    const auto problems = check_rules(text);
    return problems.size() == 1 ? problems[0] : "";
  };
  EXPECT_EQ(one("SUBSYTEM==\"usb\"\n"), "line 1: unknown key SUBSYTEM");
  EXPECT_EQ(one("SUBSYSTEM=\"usb\"\n"), "line 1: SUBSYSTEM only matches (== or !=), not =");
  EXPECT_EQ(one("GROUP==\"nut\"\n"), "line 1: GROUP only assigns, not ==");
  EXPECT_EQ(one("MODE=\"66x\"\n"), "line 1: MODE 66x is not an octal mode");
  EXPECT_EQ(one("GROUP=nut\n"), "line 1: GROUP: value must be quoted");
  EXPECT_EQ(one("GROUP=\"nut\n"), "line 1: GROUP: unterminated value");
  EXPECT_EQ(one("GROUP=\"nut\" MODE=\"664\"\n"), "line 1: expected ',' between fields");
  EXPECT_EQ(one("GROUP=\"nut\",\n"), "line 1: trailing ','");
  EXPECT_EQ(one("ATTR==\"x\"\n"), "line 1: ATTR needs {attribute}");
  EXPECT_EQ(one("\nGOTO=\"nowhere\"\n"), "line 2: GOTO nowhere has no LABEL after it");
  EXPECT_EQ(one("LABEL=\"a\"\nLABEL=\"a\"\n"), "line 2: LABEL a defined twice");
}

TEST(UdevRules, IdsNeedTheNutGroupAndGroupWriteAccess) {
  EXPECT_EQ(nut_group_ids("ATTR{idVendor}==\"051d\", ATTR{idProduct}==\"0002\", MODE=\"664\", "
                          "GROUP=\"nut\"\n")
                .size(),
            1u);
  EXPECT_TRUE(nut_group_ids("ATTR{idVendor}==\"051d\", ATTR{idProduct}==\"0002\", MODE=\"644\", "
                            "GROUP=\"nut\"\n")
                  .empty());
  EXPECT_TRUE(nut_group_ids("ATTR{idVendor}==\"051d\", ATTR{idProduct}==\"0002\", MODE=\"664\", "
                            "GROUP=\"users\"\n")
                  .empty());
}

}  // namespace
}  // namespace walnut::udev
