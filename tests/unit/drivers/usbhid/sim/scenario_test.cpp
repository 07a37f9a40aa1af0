// Tests of drivers/usbhid/sim/scenario.cpp, including the shipped config/scenarios/*.yaml.
#include "drivers/usbhid/sim/scenario.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

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
  EXPECT_FALSE(parse_duration("nan"));  // from_chars reads it; a NaN time breaks the sort
  EXPECT_FALSE(parse_duration("inf"));
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

// load_scenario() goes through walnut-yaml (packed): it must give what parse_scenario() gives.
TEST(Scenario, ShippedScenariosLoadAsTheyParse) {
  for (const auto& entry :
       std::filesystem::directory_iterator(WALNUT_SOURCE_DIR "/config/scenarios")) {
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = parse_scenario(text.str(), entry.path().string());
    auto loaded = load_scenario(entry.path().string());
    ASSERT_TRUE(parsed) << parsed.error();
    ASSERT_TRUE(loaded) << loaded.error();
    EXPECT_EQ(loaded->description, parsed->description);
    EXPECT_EQ(loaded->time_scale, parsed->time_scale);
    ASSERT_EQ(loaded->events.size(), parsed->events.size()) << entry.path();
    for (std::size_t i = 0; i < parsed->events.size(); ++i) {
      EXPECT_EQ(loaded->events[i].at, parsed->events[i].at);
      EXPECT_EQ(loaded->events[i].text, parsed->events[i].text);
      EXPECT_EQ(loaded->events[i].command.kind, parsed->events[i].command.kind);
    }
  }
}

TEST(Scenario, PackedTimesKeepEveryBit) {
  Scenario scenario;
  scenario.time_scale = 1.0 / 3;
  auto command = parse_sim_command("load 50");
  ASSERT_TRUE(command) << command.error();
  scenario.events.push_back({0.1 + 0.2, "load 50", *command});
  auto back = unpack_scenario(pack_scenario(scenario));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->time_scale, 1.0 / 3);
  ASSERT_EQ(back->events.size(), 1u);
  EXPECT_EQ(back->events[0].at, 0.1 + 0.2);
  EXPECT_FALSE(unpack_scenario(pack_scenario(scenario).substr(1)));
}

TEST(Scenario, ALoadErrorNamesTheFileAndLine) {
  const std::string file = ::testing::TempDir() + "walnut-scenario-" + std::to_string(::getpid()) + ".yaml";
  {
    std::ofstream out(file);
    out << "events:\n  - {at: 1, do: load x}\n";
  }
  auto loaded = load_scenario(file);
  std::remove(file.c_str());
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().rfind(file + ":2: load:", 0), 0u) << loaded.error();
  auto missing = load_scenario(file);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find(file), std::string::npos) << missing.error();
}

}  // namespace
}  // namespace walnut::usbhid::sim
