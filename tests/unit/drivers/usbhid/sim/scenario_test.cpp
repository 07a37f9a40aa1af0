// Tests of drivers/usbhid/sim/scenario.cpp, including the shipped config/scenarios/*.yaml.
#include "drivers/usbhid/sim/scenario.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace walnut::usbhid::sim {
namespace {

TEST(Scenario, ParsesATimelineSortedBySimTime) {
  auto scenario = parse_scenario(
      "description: test\ntime_scale: 30\nevents:\n"
      "  - {at: 12m, do: mains on}\n  - {at: 20s, do: mains off}\n  - {at: 0, do: load 50}\n",
      "t.yaml");
  ASSERT_TRUE(scenario) << scenario.error();
  EXPECT_EQ(scenario->time_scale, 30);
  ASSERT_EQ(scenario->events.size(), 3u);
  EXPECT_EQ(scenario->events[0].text, "load 50");
  EXPECT_EQ(scenario->events[1].at, 20);
  EXPECT_EQ(scenario->events[2].at, 720);
  EXPECT_TRUE(scenario->events[2].command.on);
}

TEST(Scenario, ErrorsNameTheFileAndLine) {
  auto bad_command = parse_scenario("events:\n  - {at: 1, do: load x}\n", "s.yaml");
  ASSERT_FALSE(bad_command);
  EXPECT_EQ(bad_command.error().rfind("s.yaml:2: load:", 0), 0u) << bad_command.error();
  auto unknown = parse_scenario("time_scale: 2\nspeed: 3\n", "s.yaml");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error(), "s.yaml:2: unknown key 'speed'");
  EXPECT_FALSE(parse_scenario("events:\n  - {at: soon, do: unplug}\n", "s.yaml"));
  EXPECT_FALSE(parse_scenario("events:\n  - {at: 1, do: status}\n", "s.yaml"));
  EXPECT_FALSE(parse_scenario("time_scale: 0\n", "s.yaml"));
  EXPECT_FALSE(parse_scenario("events: [\n", "s.yaml"));
}

TEST(Scenario, DurationsTakeUnits) {
  EXPECT_EQ(*parse_duration("90"), 90);
  EXPECT_EQ(*parse_duration("1.5m"), 90);
  EXPECT_EQ(*parse_duration("2h"), 7200);
  EXPECT_FALSE(parse_duration("-1"));
  EXPECT_FALSE(parse_duration("m"));
}

TEST(Scenario, ShippedScenariosParse) {
  int count = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(WALNUT_SOURCE_DIR "/config/scenarios")) {
    auto scenario = load_scenario(entry.path().string());
    EXPECT_TRUE(scenario) << scenario.error();
    if (scenario) {
      EXPECT_FALSE(scenario->events.empty());
    }
    ++count;
  }
  EXPECT_GE(count, 3);
}

}  // namespace
}  // namespace walnut::usbhid::sim
