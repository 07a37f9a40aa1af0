// NUT's path strings both ways, with each subdriver's table in NUT's lookup order.
#include "drivers/usbhid/hid/usage_table.h"

#include <gtest/gtest.h>

namespace walnut::hid {
namespace {

const UsageTable& table(const char* name) {
  const UsageTable* t = UsageTable::find(name);
  EXPECT_NE(t, nullptr) << name;
  return *t;
}

TEST(UsageTable, NamesPowerDeviceAndBatterySystemPathsAsNut) {
  const UsagePath path = {0x00840004, 0x00840024, 0x00840002, 0x008500d0};
  EXPECT_EQ(table("explore").path_to_string(path), "UPS.PowerSummary.PresentStatus.ACPresent");
  auto back = table("explore").string_to_path("UPS.PowerSummary.PresentStatus.ACPresent");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, path);
}

TEST(UsageTable, UnknownUsagesPrintAsEightHexDigitsAndIndexNodesInBrackets) {
  const UsagePath path = {0x00840004, 0x00ff0003, 0xff860024, 0x00000000};
  EXPECT_EQ(table("explore").path_to_string(path), "UPS.[3].ff860024.00000000");
  auto back = table("explore").string_to_path("UPS.[3].ff860024.00000000");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, path);
}

TEST(UsageTable, VendorTableComesFirstAndIsOnlyInItsSubdriver) {
  const UsagePath path = {0x00840004, 0x00840024, 0xff860060};
  EXPECT_EQ(table("apc").path_to_string(path), "UPS.PowerSummary.APCStatusFlag");
  EXPECT_EQ(table("cps").path_to_string(path), "UPS.PowerSummary.ff860060");
  // Tripp Lite's table renames a Power Device usage: its own name wins there.
  EXPECT_EQ(table("tripplite").path_to_string({0x00840044}), "TLCharging");
  EXPECT_EQ(table("mge").path_to_string({0xffff0077}), "FanFailure");
  EXPECT_EQ(table("belkin").usage_of("BELKINConfig"), 0x00860026u);
}

TEST(UsageTable, NameLookupIsCaseInsensitiveAndTakesTheFirstOfDuplicates) {
  EXPECT_EQ(table("explore").usage_of("acpresent"), 0x008500d0u);
  EXPECT_EQ(table("explore").usage_of("VoltageOutOfRange"), 0x00840063u);  // also 0x008500d8
  EXPECT_EQ(table("explore").name_of(0x008500d8), "VoltageOutOfRange");
  EXPECT_EQ(table("explore").name_of(0x00850088), "iDevicename");  // NUT's spelling
  EXPECT_EQ(table("explore").name_of(0x00840065), "Overload");
  EXPECT_EQ(table("explore").usage_of("NoSuchUsage"), std::nullopt);
}

// A table built from names it owns (a test's or a YAML file's) looks up as the compiled-in
// ones do, also after a move: its indexes view the names it keeps.
TEST(UsageTable, AnOwnedTableTakesTheFirstOfDuplicatesAndSurvivesAMove) {
  std::vector<UsageName> names = {{0x00840030, "Voltage"},
                                  {0x00840031, "Current"},
                                  {0x00840030, "LaterVoltageName"},
                                  {0x00840099, "voltage"},
                                  {0x00840001, "AVeryLongNameThatNeedsItsOwnHeapBlock"}};
  UsageTable built("test", std::move(names));
  UsageTable table = std::move(built);
  EXPECT_EQ(table.name_of(0x00840030), "Voltage");
  EXPECT_EQ(table.name_of(0x00840099), "voltage");
  EXPECT_EQ(table.usage_of("VOLTAGE"), 0x00840030u);
  EXPECT_EQ(table.usage_of("laterVoltageName"), 0x00840030u);
  EXPECT_EQ(table.usage_of("averylongnamethatneedsitsownheapblock"), 0x00840001u);
  EXPECT_EQ(table.usage_of("Currents"), std::nullopt);
  EXPECT_EQ(table.name_of(0x00840002), std::nullopt);
  EXPECT_EQ(table.path_to_string({0x00840031, 0x00840030}), "Current.Voltage");
}

TEST(UsageTable, UnreadableTokensAreErrorsUnlikeNutWhichSkipsThem) {
  EXPECT_FALSE(table("apc").string_to_path("UPS.NoSuchName.Voltage").ok());
  EXPECT_FALSE(table("apc").string_to_path("UPS.123456789").ok());  // more than 32 bits
  EXPECT_FALSE(table("apc").string_to_path("").ok());
  auto skipped = table("apc").string_to_path("UPS..Input");  // empty tokens are skipped
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(*skipped, (UsagePath{0x00840004, 0x0084001a}));
}

TEST(UsageTable, EveryNutSubdriverHasATableAndUnknownNamesHaveNone) {
  EXPECT_EQ(UsageTable::subdrivers().size(), 17u);  // NUT 2.8.5's 16 of 2.8.0 and EcoFlow
  for (auto name : UsageTable::subdrivers()) {
    const UsageTable* t = UsageTable::find(name);
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(t->name_of(0x00840004), "UPS") << name;
  }
  EXPECT_EQ(UsageTable::find("APC"), UsageTable::find("apc"));
  EXPECT_EQ(UsageTable::find("generic"), UsageTable::find("explore"));
  EXPECT_EQ(UsageTable::find("nosuch"), nullptr);
}

TEST(UsageTable, NamesAreReadFromTheirYamlFiles) {
  auto names = UsageTable::read_names("usages:\n  - [0xff860005, \"APCGeneralCollection\"]\n  - [0x84, \"X\"]\n",
                                      "t.yaml");
  ASSERT_TRUE(names.ok()) << names.error();
  ASSERT_EQ(names->size(), 2u);
  EXPECT_EQ((*names)[0].usage, 0xff860005u);
  EXPECT_EQ((*names)[0].name, "APCGeneralCollection");
  EXPECT_EQ(UsageTable::read_names("usages: []\n", "t.yaml")->size(), 0u);
  EXPECT_FALSE(UsageTable::read_names("names: []\n", "t.yaml").ok());
  EXPECT_FALSE(UsageTable::read_names("usages:\n  - [0x1ffffffff, \"Big\"]\n", "t.yaml").ok());
  EXPECT_FALSE(UsageTable::read_names("usages:\n  - [12g, \"Bad\"]\n", "t.yaml").ok());
  auto error = UsageTable::read_names("usages:\n  - [1]\n", "bad.yaml");
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().find("bad.yaml:2"), std::string::npos) << error.error();
}

TEST(UsageTable, EveryCompiledInFileLoads) {
  // A file that failed to load would leave its table with the generic names alone.
  EXPECT_EQ(table("apc").usage_of("APCGeneralCollection"), 0xff860005u);
  EXPECT_EQ(table("mge").usage_of("APCGeneralCollection"), std::nullopt);
  EXPECT_EQ(table("powercom").usage_of("PowercomUPS"), 0x00020004u);
  EXPECT_EQ(table("ever").name_of(0xff000001), "EVER3");
}

}  // namespace
}  // namespace walnut::hid
