// Tests metrics/variable_descriptions.cpp (NUT's cmdvartab, compiled in).
#include "metrics/variable_descriptions.h"

#include <gtest/gtest.h>

namespace walnut::metrics {
namespace {

TEST(VariableDescriptions, FindsNutsDescriptionOfStandardNames) {
  EXPECT_EQ(variable_description("battery.charge"), "Battery charge (percent of full)");
  EXPECT_EQ(variable_description("ups.load"), "Load on UPS (percent of full)");
  EXPECT_EQ(variable_description("ambient.contacts.1.status"), "State of the dry contact sensor 1");
}

TEST(VariableDescriptions, MatchesNamesCaseInsensitivelyLikeUpsd) {
  EXPECT_EQ(variable_description("BATTERY.Charge"), "Battery charge (percent of full)");
}

TEST(VariableDescriptions, IgnoresTheUpstreamPrefixLikeUpsd) {
  EXPECT_EQ(variable_description("upstream.battery.charge"), "Battery charge (percent of full)");
}

TEST(VariableDescriptions, GivesNothingForUnknownNames) {
  EXPECT_EQ(variable_description("battery.charge.bogus"), "");
  EXPECT_EQ(variable_description(""), "");
  EXPECT_EQ(variable_description("upstream."), "");
}

// Every entry of the shipped table must be findable: this fails if the table is not sorted
// the way the lookup's binary search expects.
TEST(VariableDescriptions, FindsEveryEntryOfTheTable) {
  struct Entry {
    const char* name;
    const char* text;
  };
  const Entry entries[] = {
#include "metrics/variable_descriptions_table.inc"
  };
  for (const auto& entry : entries) EXPECT_EQ(variable_description(entry.name), entry.text) << entry.name;
}

}  // namespace
}  // namespace walnut::metrics
