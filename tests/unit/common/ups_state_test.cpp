// Tests for common/ups_state: NUT's state tree semantics (common/state.c).
#include "common/ups_state.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace walnut {
namespace {

std::vector<std::string> names(const UpsState& state) {
  std::vector<std::string> out;
  for (const auto& [key, variable] : state.variables()) out.push_back(variable.name);
  return out;
}

TEST(UpsState, IteratesInCaseInsensitiveOrderLikeNutsTree) {
  UpsState state;
  for (const char* name : {"ups.status", "battery.charge", "Battery.runtime", "ups_x", "ups.a",
                           "input.voltage", "BATTERY.charge.low"}) {
    state.set_info(name, "1");
  }
  // strcasecmp compares lower-cased bytes: '.' (0x2e) sorts before '_' (0x5f).
  EXPECT_EQ(names(state), (std::vector<std::string>{"battery.charge", "BATTERY.charge.low",
                                                     "Battery.runtime", "input.voltage", "ups.a",
                                                     "ups.status", "ups_x"}));
}

TEST(UpsState, UnderscoreSortsAfterUpperCaseLettersBecauseTheyAreLowered) {
  UpsState state;
  state.set_info("a_b", "1");
  state.set_info("aZb", "1");  // lowered 'z' = 0x7a > '_' = 0x5f
  state.set_info("aAb", "1");
  EXPECT_EQ(names(state), (std::vector<std::string>{"a_b", "aAb", "aZb"}));
}

TEST(UpsState, LookupIgnoresCaseAndKeepsFirstSpelling) {
  UpsState state;
  EXPECT_TRUE(state.set_info("Ups.Status", "OL"));
  EXPECT_TRUE(state.set_info("ups.status", "OB"));
  ASSERT_NE(state.find("UPS.STATUS"), nullptr);
  EXPECT_EQ(state.find("ups.status")->name, "Ups.Status");
  EXPECT_EQ(*state.value("ups.status"), "OB");
  EXPECT_EQ(state.variables().size(), 1u);
}

TEST(UpsState, CaseOnlyValueChangeIsNoChange) {
  UpsState state;
  state.set_info("ups.status", "OL");
  EXPECT_FALSE(state.set_info("ups.status", "ol"));
  EXPECT_EQ(*state.value("ups.status"), "OL");
  EXPECT_FALSE(state.set_info("ups.status", "OL"));
  EXPECT_TRUE(state.set_info("ups.status", "OL CHRG"));
}

TEST(UpsState, ValuesAreCappedAtNutsMaximum) {
  UpsState state;
  state.set_info("x", std::string(400, 'a'));
  EXPECT_EQ(state.value("x")->size(), kMaxValueLength);
  state.add_enum("x", std::string(300, 'b'));
  EXPECT_EQ(state.find("x")->enums.front().size(), kMaxValueLength);
}

TEST(UpsState, ImmutableVariableIgnoresSetDeleteAndFlags) {
  UpsState state;
  state.set_info("battery.charge.low", "20");
  EXPECT_TRUE(state.set_flags("battery.charge.low", kFlagImmutable));
  EXPECT_FALSE(state.set_info("battery.charge.low", "30"));
  EXPECT_FALSE(state.del_info("battery.charge.low"));
  EXPECT_FALSE(state.set_flags("battery.charge.low", kFlagRw));
  EXPECT_EQ(*state.value("battery.charge.low"), "20");
  EXPECT_TRUE(state.find("battery.charge.low")->is_immutable());
}

TEST(UpsState, DeleteRemovesVariableWithEnumsAndRanges) {
  UpsState state;
  state.set_info("x", "1");
  state.add_enum("x", "1");
  EXPECT_TRUE(state.del_info("X"));
  EXPECT_EQ(state.find("x"), nullptr);
  EXPECT_FALSE(state.del_info("x"));
  state.set_info("x", "2");
  EXPECT_TRUE(state.find("x")->enums.empty());
}

TEST(UpsState, EnumsKeepInsertionOrderWithoutExactDuplicates) {
  UpsState state;
  EXPECT_FALSE(state.add_enum("missing", "a"));
  state.set_info("v", "230");
  EXPECT_TRUE(state.add_enum("v", "230"));
  EXPECT_TRUE(state.add_enum("v", "120"));
  EXPECT_FALSE(state.add_enum("v", "230"));
  EXPECT_TRUE(state.add_enum("v", "Abc"));
  EXPECT_TRUE(state.add_enum("v", "abc"));  // duplicates are exact (strcmp)
  EXPECT_EQ(state.find("v")->enums, (std::vector<std::string>{"230", "120", "Abc", "abc"}));
  EXPECT_TRUE(state.del_enum("v", "ABC"));  // deletion ignores case (strcasecmp)
  EXPECT_EQ(state.find("v")->enums, (std::vector<std::string>{"230", "120", "abc"}));
  EXPECT_FALSE(state.del_enum("v", "999"));
}

TEST(UpsState, RangesMatchOnEitherBoundAsStateCDoes) {
  UpsState state;
  state.set_info("r", "5");
  EXPECT_TRUE(state.add_range("r", 1, 10));
  EXPECT_FALSE(state.add_range("r", 1, 20));   // same min
  EXPECT_FALSE(state.add_range("r", 0, 10));   // same max
  EXPECT_FALSE(state.add_range("r", 30, 20));  // min > max
  EXPECT_TRUE(state.add_range("r", 20, 30));
  EXPECT_EQ(state.find("r")->ranges, (std::vector<Range>{{1, 10}, {20, 30}}));
  EXPECT_TRUE(state.del_range("r", 20, 99));
  EXPECT_EQ(state.find("r")->ranges, (std::vector<Range>{{1, 10}}));
  EXPECT_FALSE(state.del_range("r", 5, 6));
}

TEST(UpsState, CommandsStaySortedIgnoringCase) {
  UpsState state;
  EXPECT_TRUE(state.add_cmd("test.battery.start"));
  EXPECT_TRUE(state.add_cmd("beeper.off"));
  EXPECT_TRUE(state.add_cmd("Load.off"));
  EXPECT_FALSE(state.add_cmd("LOAD.OFF"));
  EXPECT_EQ(state.commands(),
            (std::vector<std::string>{"beeper.off", "Load.off", "test.battery.start"}));
  EXPECT_TRUE(state.has_cmd("load.OFF"));
  EXPECT_TRUE(state.del_cmd("load.off"));
  EXPECT_FALSE(state.has_cmd("load.off"));
  EXPECT_FALSE(state.del_cmd("load.off"));
}

TEST(UpsState, FlagsAuxAndTypeDescription) {
  UpsState state;
  state.set_info("ups.id", "x");
  EXPECT_EQ(type_description(*state.find("ups.id")), "NUMBER");
  EXPECT_TRUE(state.set_flags("ups.id", kFlagRw | kFlagString));
  EXPECT_FALSE(state.set_flags("ups.id", kFlagRw | kFlagString));
  EXPECT_TRUE(state.set_aux("ups.id", 8));
  EXPECT_FALSE(state.set_aux("ups.id", 8));
  EXPECT_EQ(type_description(*state.find("ups.id")), "RW STRING:8");
  state.set_info("input.transfer.low", "100");
  state.set_flags("input.transfer.low", kFlagRw);
  state.add_enum("input.transfer.low", "100");
  state.add_range("input.transfer.low", 90, 110);
  EXPECT_EQ(type_description(*state.find("input.transfer.low")), "RW ENUM RANGE NUMBER");
  EXPECT_TRUE(state.add_flags("input.transfer.low", kFlagNumber));
  EXPECT_FALSE(state.add_flags("input.transfer.low", kFlagNumber));
  EXPECT_TRUE(state.clear_flags("input.transfer.low", kFlagRw));
  EXPECT_EQ(state.find("input.transfer.low")->flags, unsigned{kFlagNumber});
}

// The replies stock upsd 2.8.0 gave for these variables when fed this store's DUMPALL.
TEST(UpsState, TypeDescriptionMatchesStockUpsdReplies) {
  UpsState state;
  state.set_info("ups.mfr", "Acme");
  state.set_flags("ups.mfr", kFlagRw | kFlagString);
  state.set_aux("ups.mfr", 32);
  state.set_info("input.transfer.low", "100");
  state.set_flags("input.transfer.low", kFlagRw | kFlagNumber);
  state.add_enum("input.transfer.low", "100");
  state.set_info("battery.charge.low", "10");
  state.set_flags("battery.charge.low", kFlagRw | kFlagNumber);
  state.add_range("battery.charge.low", 5, 50);
  state.set_info("ups_x", "1");
  EXPECT_EQ(type_description(*state.find("ups.mfr")), "RW STRING:32");
  EXPECT_EQ(type_description(*state.find("input.transfer.low")), "RW ENUM NUMBER");
  EXPECT_EQ(type_description(*state.find("battery.charge.low")), "RW RANGE NUMBER");
  EXPECT_EQ(type_description(*state.find("ups_x")), "NUMBER");
}

TEST(UpsState, FlagWordsRoundTrip) {
  EXPECT_EQ(flag_words(kFlagRw | kFlagString | kFlagNumber | kFlagImmutable),
            (std::vector<std::string>{"RW", "STRING", "NUMBER"}));
  EXPECT_EQ(flags_from_words({"rw", "bogus", "Number"}), unsigned{kFlagRw | kFlagNumber});
}

TEST(UpsState, GenerationCountsEveryChange) {
  UpsState state;
  const auto start = state.generation();
  state.set_info("a", "1");
  const auto after_set = state.generation();
  EXPECT_GT(after_set, start);
  EXPECT_EQ(state.find("a")->generation, after_set);
  state.set_info("a", "1");
  EXPECT_EQ(state.generation(), after_set);
  state.add_cmd("x");
  state.del_info("a");
  EXPECT_EQ(state.generation(), after_set + 2);
  EXPECT_TRUE(state.set_data_ok(true));
  EXPECT_FALSE(state.set_data_ok(true));
  EXPECT_TRUE(state.data_ok());
  state.clear();
  EXPECT_TRUE(state.variables().empty());
  EXPECT_TRUE(state.commands().empty());
  EXPECT_FALSE(state.data_ok());
}

}  // namespace
}  // namespace walnut
